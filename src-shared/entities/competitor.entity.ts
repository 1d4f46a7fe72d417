import { defineEntity } from './field';

/** 竞争对手: a rival, linked from the opportunities it competes for. Seen and kept by everyone. */
export const competitorEntity = defineEntity({
  name: 'competitor',
  table: 'competitors',
  titleField: 'name',
  subtitleFields: ['website'],
  sections: ['basic'],
  defaultSort: { field: 'name', dir: 'asc' },
  visibility: 'global',
  fields: {
    name: { kind: 'text', required: true, max: 200, search: true, list: true, indexed: true, section: 'basic' },
    website: { kind: 'url', max: 300, list: true, section: 'basic' },
    strengths: { kind: 'longtext', max: 2000, list: true, section: 'basic' },
    weaknesses: { kind: 'longtext', max: 2000, list: true, section: 'basic' },
    products: { kind: 'longtext', max: 2000, search: true, section: 'basic' },
  },
});
