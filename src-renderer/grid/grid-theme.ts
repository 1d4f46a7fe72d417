import { AllCommunityModule, ModuleRegistry, themeQuartz } from 'ag-grid-community';

// All community features: the bundle is loaded from disk, and a missing module only fails at run time.
ModuleRegistry.registerModules([AllCommunityModule]);

/** Colours and type follow the app's CSS variables (styles/base.css) so the grid reads as part of the app. */
export const gridTheme = themeQuartz.withParams({
  // The app's stack, which puts Chinese or Latin fonts first depending on the UI language.
  fontFamily: 'var(--font-sans)',
  fontSize: 13,
  headerFontSize: 13,
  headerFontWeight: 600,
  rowHeight: 38,
  headerHeight: 40,
  spacing: 6,
  cellHorizontalPadding: 12,
  accentColor: '#2563eb',
  foregroundColor: '#1f2937',
  borderColor: '#e5e7eb',
  headerBackgroundColor: '#f8fafc',
  headerTextColor: '#475569',
  oddRowBackgroundColor: '#fcfcfd',
  rowHoverColor: '#eff6ff',
  selectedRowBackgroundColor: '#dbeafe',
  wrapperBorderRadius: 8,
  browserColorScheme: 'light',
});
