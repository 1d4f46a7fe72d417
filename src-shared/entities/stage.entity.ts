import { defineEntity } from './field';
import { stageKinds } from './enums';

/**
 * 销售阶段: a pipeline stage. Set up by an admin, seen by everyone; deals move through the open
 * stages in `position` order and end in a won or a lost one. `code` names the built-in stages
 * (their labels come from i18n: stage.<code>); stages an admin adds show their `name`.
 * `limitDays`: deals sitting in the stage longer are flagged in the funnel.
 */
export const stageEntity = defineEntity({
  name: 'stage',
  table: 'stages',
  titleField: 'name',
  subtitleFields: ['kind'],
  sections: ['basic'],
  defaultSort: { field: 'position', dir: 'asc' },
  visibility: 'global',
  writeRoles: ['admin'],
  fields: {
    name: { kind: 'text', required: true, max: 60, search: true, list: true, section: 'basic' },
    code: { kind: 'text', max: 40, list: true, section: 'basic' },
    kind: { kind: 'enum', enumName: 'stageKind', values: stageKinds, default: 'open', required: true, list: true, section: 'basic' },
    position: { kind: 'int', min: 0, max: 1000, required: true, list: true, indexed: true, section: 'basic' },
    probability: { kind: 'int', min: 0, max: 100, required: true, list: true, section: 'basic' },
    limitDays: { kind: 'int', min: 1, max: 3650, list: true, section: 'basic' },
    active: { kind: 'bool', default: true, list: true, section: 'basic' },
  },
});
