import fs from 'node:fs';
import path from 'node:path';
import type { BrowserWindow, Rectangle } from 'electron';

/** Where and how large the main window was when it last closed. */
export interface WindowState {
  bounds: Rectangle;
  maximized: boolean;
}

const DEFAULT_SIZE = { width: 1280, height: 800 };
/** Smaller than this and the grid and the detail pane no longer fit side by side. */
export const MIN_SIZE = { width: 800, height: 560 };

function isRectangle(value: unknown): value is Rectangle {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  return ['x', 'y', 'width', 'height'].every((k) => typeof r[k] === 'number' && Number.isFinite(r[k]));
}

/** The saved state, or null when there is none or it is unreadable (then the OS places the window). */
export function loadWindowState(file: string): WindowState | null {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
  if (typeof raw !== 'object' || raw === null) return null;
  const { bounds, maximized } = raw as Record<string, unknown>;
  if (!isRectangle(bounds)) return null;
  return {
    bounds: { x: Math.round(bounds.x), y: Math.round(bounds.y), width: Math.max(MIN_SIZE.width, Math.round(bounds.width)), height: Math.max(MIN_SIZE.height, Math.round(bounds.height)) },
    maximized: maximized === true,
  };
}

/**
 * Window options from the saved state. A position is kept only if enough of the window's title
 * bar would land on a display that is still attached; a window saved on an unplugged monitor
 * would otherwise open where nobody can reach it.
 */
export function initialBounds(saved: WindowState | null, workAreas: readonly Rectangle[]): Partial<Rectangle> & { width: number; height: number } {
  if (!saved) return { ...DEFAULT_SIZE };
  const { x, y, width, height } = saved.bounds;
  const titleBar: Rectangle = { x, y, width, height: 40 };
  const visible = workAreas.some((area) => overlap(titleBar, area) >= 100 * 20);
  return visible ? { x, y, width, height } : { width, height };
}

function overlap(a: Rectangle, b: Rectangle): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/** Written when the window closes: the normal (restored) bounds, so un-maximising returns there. */
export function saveWindowState(file: string, window: BrowserWindow): void {
  const state: WindowState = { bounds: window.getNormalBounds(), maximized: window.isMaximized() };
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // Write then rename, so a crash mid-write leaves the previous state rather than half a file.
    const tmp = `${file}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(state));
    fs.renameSync(tmp, file);
  } catch (error) {
    console.warn(JSON.stringify({ level: 'warn', msg: 'window state not saved', error: (error as Error).message }));
  }
}
