import type { Activity, Opportunity, Stage, Task } from '../entities/index';
import type { SystemFieldName } from '../entities/field';
import { BEIJING_OFFSET, DAY, HOUR, MINUTE, Rng, Weighted, uuidv7, type DemoAccount, type DemoContact } from './demo-data';

/**
 * Deterministic zh-CN demo sales data: opportunities (商机), activities (跟进记录) and tasks (任务)
 * for accounts that already exist (usually those of demo-data.ts), so a fresh replica shows a
 * living pipeline, timelines and a to-do list, and a benchmark can fill one with 100,000 deals.
 *
 * As in demo-data.ts, what users see depends only on the seed (and the accounts given); `now`
 * moves the times. Every time is anchored to the Beijing day of `now`, so moving `now` by whole
 * days moves every time and date by exactly that much.
 *
 * Values are in the stored form `validateValues(entity, values, 'create', { allowSystem: true })`
 * returns (every field present), so `RecordRepository.bulkLoad` can load them as they are and a
 * push through the sync server stores them unchanged. Owners are not part of the values: the
 * caller decides whether `ownerId` goes in (a push) or comes from the signed-in user (bulkLoad).
 *
 * Consistency with the accounts: the newest activity of an account that has a last follow-up
 * happens exactly then and plans the account's next follow-up, so the follow-up rule
 * (src-shared/sales/follow-up.rules.ts) leaves such an account as it is.
 */

type OpportunityValues = Omit<Opportunity, SystemFieldName>;
type ActivityValues = Omit<Activity, SystemFieldName>;
type TaskValues = Omit<Task, SystemFieldName>;
type StageKind = Stage['kind'];
type ActivityType = ActivityValues['type'];
type LeadSource = NonNullable<OpportunityValues['source']>;

export interface DemoStage {
  id: string;
  code: string;
  name: string;
  kind: StageKind;
  position: number;
  probability: number;
  limitDays: number | null;
}

/**
 * The built-in pipeline, the same records the sync server creates on first start
 * (src-server/sales/default-stages.ts, which src-shared may not import; a unit test keeps the
 * two equal). The local demo loads these when it runs without a server.
 */
export const BUILT_IN_STAGES: readonly DemoStage[] = [
  { id: 'stage-prospecting', code: 'prospecting', name: '初步接洽', kind: 'open', position: 10, probability: 10, limitDays: 14 },
  { id: 'stage-qualification', code: 'qualification', name: '需求确认', kind: 'open', position: 20, probability: 30, limitDays: 21 },
  { id: 'stage-proposal', code: 'proposal', name: '方案报价', kind: 'open', position: 30, probability: 60, limitDays: 30 },
  { id: 'stage-negotiation', code: 'negotiation', name: '谈判', kind: 'open', position: 40, probability: 80, limitDays: 30 },
  { id: 'stage-won', code: 'won', name: '赢单', kind: 'won', position: 90, probability: 100, limitDays: null },
  { id: 'stage-lost', code: 'lost', name: '输单', kind: 'lost', position: 99, probability: 0, limitDays: null },
];

/** An account as the sales generator reads it; `demoSalesAccount` makes one from a demo account. */
export interface DemoSalesAccount {
  id: string;
  name: string;
  /** Owner of the account's deals, activities and tasks. */
  ownerId: string;
  /** Pool accounts (公海) get activities from before they went there, but no deals and no tasks. */
  poolState?: 'owned' | 'pool' | null;
  type?: string | null;
  industry?: string | null;
  level?: string | null;
  city?: string | null;
  district?: string | null;
  street?: string | null;
  lastFollowUpAt?: number | null;
  nextFollowUpAt?: number | null;
}

export interface DemoSalesContact {
  id: string;
  accountId: string;
  name?: string | null;
  isPrimary?: boolean | null;
}

export interface DemoSalesInput {
  accounts: readonly DemoSalesAccount[];
  /** The accounts' contacts (others are ignored). */
  contacts: readonly DemoSalesContact[];
}

export interface DemoOpportunity {
  id: string;
  accountId: string;
  ownerId: string;
  values: OpportunityValues;
}
export interface DemoActivity {
  id: string;
  accountId: string;
  ownerId: string;
  values: ActivityValues;
}
export interface DemoTask {
  id: string;
  ownerId: string;
  values: TaskValues;
}

export interface DemoSalesBatch {
  opportunities: DemoOpportunity[];
  activities: DemoActivity[];
  tasks: DemoTask[];
}

export interface DemoSalesOptions {
  /** Default 1. */
  seed?: number;
  /** Epoch ms the times are relative to; default Date.now(). Use the accounts' `now`. */
  now?: number;
  /** Inclusive range of deals for an owned account that has any; default [1, 3]. */
  opportunitiesPerAccount?: [min: number, max: number];
  /** Probability that an owned account has deals at all; default 0.6. */
  opportunityChance?: number;
  /** Inclusive range of activities per account (pool accounts too); default [2, 6]. */
  activitiesPerAccount?: [min: number, max: number];
  /** Tasks each owner gets, spread over a random sample of their owned accounts; default 30. */
  tasksPerOwner?: number;
  /** Tasks per batch once the accounts are done; default 1000. */
  taskBatchSize?: number;
}

// ---------------------------------------------------------------------------------------------
// Tables

/** Share of new deals per stage (most deals are young; some closed), when open: close window in days from today. */
const STAGE_PLAN: Record<string, { weight: number; close: readonly [number, number] | null; age: readonly [number, number] }> = {
  prospecting: { weight: 30, close: [20, 150], age: [0, 0] },
  qualification: { weight: 22, close: [10, 120], age: [7, 30] },
  proposal: { weight: 15, close: [-10, 90], age: [20, 60] },
  negotiation: { weight: 11, close: [-20, 45], age: [40, 100] },
  won: { weight: 12, close: null, age: [20, 150] },
  lost: { weight: 10, close: null, age: [15, 120] },
};
const stagePicker = new Weighted<DemoStage>(BUILT_IN_STAGES.map((s) => [s, STAGE_PLAN[s.code]?.weight ?? 0] as const));
/** Share of open deals left in their stage past its limitDays, so the funnel has stalled deals to flag. */
const STALLED_SHARE = 0.22;

/** What Chinese B2B customers buy, by the account's industry. */
const DEALS: Record<string, readonly string[]> = {
  manufacturing: ['数控机床采购', 'MES 系统实施', '智能产线改造', '工业机器人采购', '设备预测性维护平台', '空压站节能改造', '质量追溯系统建设', '原材料年度供货', 'ERP 系统实施'],
  it: ['ERP 系统实施', '私有云平台建设', '数据中台建设', '网络安全等保测评', '服务器扩容', '正版软件采购', '研发协同平台', '机房搬迁服务'],
  finance: ['核心系统国产化改造', '智能客服系统', '风控模型平台', '数据灾备建设', '营业网点安防升级', '呼叫中心扩容'],
  retail: ['门店收银系统升级', '会员营销平台', '智能仓储改造', '冷链物流服务', '连锁门店装修', '电子价签采购'],
  education: ['智慧校园建设', '多媒体教室改造', '在线考试平台', '实训室设备采购', '校园安防系统升级'],
  healthcare: ['医疗设备采购', '医院信息系统（HIS）升级', '冷链物流服务', '手术室净化工程', '药品追溯系统建设'],
  real_estate: ['智慧社区平台', '安防系统升级', '中央空调维保服务', '电梯更新改造', '物业收费系统实施'],
  logistics: ['智能仓储改造', '冷链物流服务', '运输管理系统（TMS）实施', '车辆 GPS 监控平台', '电动叉车采购'],
  energy: ['光伏组件供货', '储能系统集成', '变电站运维服务', '充电桩建设', '能耗监测平台'],
  construction: ['建材年度供货', 'BIM 平台实施', '工地安防系统升级', '塔吊租赁服务', '劳务实名制系统'],
  agriculture: ['智慧农业物联网', '冷库建设', '农机采购', '农产品溯源系统建设', '灌溉设备采购'],
  media: ['融媒体平台建设', '展厅数字化改造', '广告投放系统', '演播室设备采购', '会展搭建服务'],
  government: ['政务云平台建设', '安防系统升级', '档案数字化服务', '办公设备集中采购', '数据共享交换平台', '视频会议系统建设'],
  other: ['企业培训服务', '办公家具采购', '安防系统升级', '年度 IT 运维外包', 'OA 系统实施', '视频会议系统建设'],
};
const INDIVIDUAL_DEALS = ['全屋智能家居', '家庭光伏安装', '高端净水设备', '商务车采购', '私人健康管理套餐'];
const GENERIC_DEALS = ['ERP 系统实施', '安防系统升级', '办公设备采购', '年度 IT 运维外包', '视频会议系统建设', '智能仓储改造'];

/** Amount brackets in yuan: [low, high, rounding step]. */
type Bracket = readonly [number, number, number];
const S: Bracket = [50_000, 100_000, 1_000];
const M: Bracket = [100_000, 300_000, 5_000];
const L: Bracket = [300_000, 800_000, 10_000];
const XL: Bracket = [800_000, 2_000_000, 50_000];
const XXL: Bracket = [2_000_000, 5_000_000, 100_000];
const amountPickers: Record<string, Weighted<Bracket>> = {
  A: new Weighted<Bracket>([[S, 8], [M, 20], [L, 30], [XL, 25], [XXL, 17]]),
  B: new Weighted<Bracket>([[S, 18], [M, 32], [L, 27], [XL, 15], [XXL, 8]]),
  C: new Weighted<Bracket>([[S, 35], [M, 35], [L, 18], [XL, 9], [XXL, 3]]),
};
const individualAmounts = new Weighted<Bracket>([[[8_000, 30_000, 500], 40], [[30_000, 100_000, 1_000], 40], [[100_000, 300_000, 5_000], 20]]);

const sourcePicker = new Weighted<LeadSource>([['referral', 24], ['website', 16], ['cold_call', 16], ['online_ad', 14], ['offline_event', 16], ['partner', 14]]);

const LOST_REASONS = ['价格偏高', '选择了竞争对手', '预算冻结', '需求取消', '项目延期至明年', '客户决策人变动', '技术方案不满足要求', '付款条件未谈妥'];
const OPPORTUNITY_NOTES = [
  '客户要求分两期付款，首付 30%。',
  '需提供三家以上供应商比价。',
  '已提交特价审批，等待销售总监确认。',
  '决策人是总经理，采购部负责比价。',
  '客户倾向国产化方案。',
  '竞争对手报价更低，需突出服务和交付能力。',
  '要求 30 天内完成交付。',
  '招标公告预计下月发布，注意资质要求。',
];

const typePicker = new Weighted<ActivityType>([['call', 32], ['wechat', 22], ['visit', 16], ['email', 12], ['meeting', 9], ['checkin', 9]]);

/** [subject, content] per type. Placeholders: {contact} a person (or 对方负责人), {short} the account's short name, {deal} what is being sold, {n} minutes. */
const TEMPLATES: Record<ActivityType, readonly (readonly [subject: string, content: string])[]> = {
  call: [
    ['电话沟通{deal}需求', '与{contact}电话沟通约 {n} 分钟，对方比较关心{deal}的交付周期，希望我们尽快给出实施计划。'],
    ['电话确认报价', '电话联系{contact}，确认已收到报价单，财务正在走内部审批流程。'],
    ['电话跟进{deal}', '{contact}表示本月预算已经用完，{deal}建议下月初再谈。'],
    ['电话回访{contact}', '电话回访上次交付情况，{contact}反馈运行正常，希望再安排一次现场培训。'],
    ['电话预约拜访时间', '约好下周到客户现场做产品演示，{contact}会叫上技术负责人一起参加。'],
    ['首次电话沟通', '第一次电话未接通，下午再次致电，向{contact}简单介绍了公司和{deal}方案。'],
    ['电话了解项目预算', '与{contact}沟通{deal}的预算，对方透露今年预算比去年略有增加，具体金额要等董事会批准。'],
  ],
  visit: [
    ['拜访{short}了解{deal}需求', '到{short}拜访{contact}，参观了现场，初步了解了{deal}的需求范围和预算区间。'],
    ['上门拜访{contact}', '与{contact}及技术部门面谈约两个小时，重点讨论了系统对接和数据迁移方案。'],
    ['陪同工程师上门演示', '陪同售前工程师现场演示产品核心功能，客户对移动端审批很感兴趣，要求提供同行业案例。'],
    ['拜访客户高层', '拜访{contact}，得知竞争对手上周也来过，报价比我们低约 8%，需要突出服务优势。'],
    ['现场勘察', '现场勘察了机房和网络环境，记录了需要改造的地方，回去后整理勘察报告。'],
  ],
  wechat: [
    ['微信发送产品资料', '通过微信把产品白皮书和{deal}的成功案例发给{contact}，对方回复会转给技术负责人。'],
    ['微信沟通报价', '{contact}在微信上询问能否再优惠 5%，已回复需要向公司申请。'],
    ['微信确认会议时间', '微信确认了周四下午的会议时间和参会人员，{contact}会带财务一起参加。'],
    ['微信跟进整改事项', '给{contact}发了现场照片和整改清单，对方表示会尽快安排。'],
    ['微信发送案例视频', '把同行业客户的{deal}案例视频发给{contact}，对方说下周开会时给领导看。'],
  ],
  email: [
    ['发送{deal}方案', '将{deal}的技术方案和初步报价发给{contact}，抄送了对方采购部门。'],
    ['发送正式报价单', '发送正式报价单（含税价，有效期 30 天），请{contact}确认配置清单。'],
    ['发送合同草稿', '合同草稿已发给{contact}，请对方法务审核付款条款和违约责任。'],
    ['发送会议纪要', '整理了上次会议纪要并发给与会人员，列明了双方的待办事项。'],
    ['发送技术参数确认表', '把{deal}的技术参数确认表发给{contact}，请对方技术部门逐项确认后回传。'],
  ],
  meeting: [
    ['{deal}方案评审会', '参加客户组织的方案评审会，{contact}和 IT、财务负责人出席，整体评价较好，要求补充售后服务条款。'],
    ['商务谈判', '与客户进行商务谈判，价格基本谈妥，付款方式还在协商，客户希望按 3-6-1 分期。'],
    ['技术交流会', '技术交流会上演示了与现有系统的集成方式，客户提出了几个定制需求，需要评估工作量。'],
    ['{deal}项目启动会', '召开{deal}项目启动会，明确了双方项目经理、里程碑和周例会机制。'],
    ['季度业务回顾会', '与{contact}回顾了本季度的合作情况，对交付质量满意，希望下季度增加培训场次。'],
  ],
  checkin: [
    ['外勤签到', '到达客户现场签到，随后与{contact}面谈。'],
    ['到访{short}签到', '外勤签到：送达样品并现场讲解使用方法。'],
    ['客户现场签到', '到客户处签到，协助处理设备安装调试问题。'],
    ['外勤签到', '外勤签到，顺路拜访{contact}，了解客户近期采购计划。'],
  ],
};
const EXTRA_SENTENCES = [
  '客户提到今年预算比去年增加了两成。',
  '对方希望我们提供两家同行业客户做参考。',
  '需注意客户付款周期较长。',
  '客户对售后响应时间要求较高，希望 4 小时内到场。',
  '已把情况同步给售前同事。',
];
const OUTCOMES = [
  '客户认可方案，同意进入报价阶段',
  '需要内部讨论，预计下周答复',
  '对价格有顾虑，希望再优惠',
  '已确认需求清单',
  '决策人出差，暂无结论',
  '客户同意安排产品试用',
  '拿到了采购负责人的联系方式',
  '客户表示年内有采购计划',
];
const NEXT_STEPS = [
  '下周三前发送正式报价',
  '安排技术工程师上门演示',
  '约采购经理面谈',
  '准备合同初稿',
  '等待客户内部审批结果',
  '寄送样品试用',
  '整理同行业案例发给客户',
  '申请特价后回复客户',
  '下月初再次电话跟进',
];

/** City centres (as the account's stored city) for check-in coordinates; a check-in lands within a few km. */
const CITY_COORDS: Record<string, readonly [lat: number, lon: number]> = {
  北京市: [39.9042, 116.4074], 上海市: [31.2304, 121.4737], 天津市: [39.0842, 117.201], 重庆市: [29.563, 106.5516],
  广州市: [23.1291, 113.2644], 深圳市: [22.5431, 114.0579], 佛山市: [23.0215, 113.1214], 杭州市: [30.2741, 120.1551],
  宁波市: [29.8683, 121.544], 温州市: [27.9938, 120.6994], 南京市: [32.0603, 118.7969], 苏州市: [31.2989, 120.5853],
  无锡市: [31.4912, 120.3119], 成都市: [30.5728, 104.0668], 武汉市: [30.5928, 114.3055], 西安市: [34.3416, 108.9398],
  长沙市: [28.2282, 112.9388], 郑州市: [34.7466, 113.6254], 济南市: [36.6512, 117.1201], 青岛市: [36.0671, 120.3826],
  合肥市: [31.8206, 117.2272], 福州市: [26.0745, 119.2965], 厦门市: [24.4798, 118.0894], 沈阳市: [41.8057, 123.4315],
  大连市: [38.914, 121.6147], 哈尔滨市: [45.8038, 126.535], 昆明市: [25.0389, 102.7183], 南昌市: [28.682, 115.8579],
  石家庄市: [38.0428, 114.5149],
};
const CITY_NAMES = Object.keys(CITY_COORDS);

/** Task titles; {contact} falls back to the account's short name, {deal} to something the account might buy. */
const TASK_TITLES = [
  '发送报价单给{contact}',
  '预约上门拜访{short}',
  '回访{short}使用满意度',
  '准备{deal}投标文件',
  '跟进{deal}合同审批',
  '提交{deal}特价申请',
  '安排{deal}产品演示',
  '电话确认{contact}收到样品',
  '整理{short}需求清单',
  '催收{short}尾款',
  '给{contact}寄送节日礼品',
  '更新{short}客户资料',
];
const TASK_NOTES = ['客户要求附上资质证明。', '记得带上样品和产品手册。', '报价有效期 30 天。', '提前与技术部确认排期。', '上次回访客户提出的问题需要答复。'];
const REMIND_BEFORE = [15 * MINUTE, 30 * MINUTE, HOUR, DAY];

// ---------------------------------------------------------------------------------------------
// Helpers

const CJK_LATIN = /([\u4e00-\u9fff])([A-Za-z])/g;
const LATIN_CJK = /([A-Za-z])([\u4e00-\u9fff])/g;
/** A space between Chinese and Latin words (ERP, IT), as zh-CN typography has it. */
const HAS_LATIN = /[A-Za-z]/;
const spaced = (s: string) => (HAS_LATIN.test(s) ? s.replace(CJK_LATIN, '$1 $2').replace(LATIN_CJK, '$1 $2') : s);

interface Words {
  contact: string;
  short: string;
  deal: string;
  n: string;
}
const fill = (template: string, words: Words) => spaced(template.replace(/\{(contact|short|deal|n)\}/g, (_, k: keyof Words) => words[k]));

const LEGAL_SUFFIX = /(集团有限公司|股份有限公司|有限责任公司|有限公司)$/;

/** 杭州恒达电子有限公司 → 恒达电子: how reps name a customer in deal names and notes. */
function shortName(a: DemoSalesAccount): string {
  if (a.type === 'individual' || a.industry === 'government') return a.name;
  const bare = a.name.replace(LEGAL_SUFFIX, '');
  const city = a.city ?? '';
  for (const prefix of [city, city.replace(/市$/, '')]) {
    if (prefix.length >= 2 && bare.startsWith(prefix) && bare.length - prefix.length >= 2) return bare.slice(prefix.length);
  }
  const registered = /^[\u4e00-\u9fff]{2,3}市/.exec(bare);
  if (registered && bare.length - registered[0].length >= 2) return bare.slice(registered[0].length);
  return bare.length >= 2 ? bare : a.name;
}

interface OpenRange {
  min: number;
  max: number;
}
function range(value: [number, number] | undefined, fallback: [number, number], name: string): OpenRange {
  const [min, max] = value ?? fallback;
  if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || min < 0 || max < min) throw new RangeError(`${name} must be [min, max] with 0 <= min <= max, got [${min}, ${max}]`);
  return { min, max };
}

interface Normalised {
  seed: number;
  now: number;
  opportunities: OpenRange;
  opportunityChance: number;
  activities: OpenRange;
  tasksPerOwner: number;
  taskBatchSize: number;
}

function normalise(options: DemoSalesOptions): Normalised {
  const chance = options.opportunityChance ?? 0.6;
  const tasksPerOwner = options.tasksPerOwner ?? 30;
  const taskBatchSize = options.taskBatchSize ?? 1000;
  if (!(chance >= 0 && chance <= 1)) throw new RangeError(`opportunityChance must be in [0, 1], got ${chance}`);
  if (!Number.isSafeInteger(tasksPerOwner) || tasksPerOwner < 0) throw new RangeError(`tasksPerOwner must be a non-negative integer, got ${tasksPerOwner}`);
  if (!Number.isSafeInteger(taskBatchSize) || taskBatchSize < 1) throw new RangeError(`taskBatchSize must be a positive integer, got ${taskBatchSize}`);
  return {
    seed: options.seed ?? 1,
    now: options.now ?? Date.now(),
    opportunities: range(options.opportunitiesPerAccount, [1, 3], 'opportunitiesPerAccount'),
    opportunityChance: chance,
    activities: range(options.activitiesPerAccount, [2, 6], 'activitiesPerAccount'),
    tasksPerOwner,
    taskBatchSize,
  };
}

/** A deal of the account, as its activities and tasks refer to it. */
interface DealRef {
  id: string;
  deal: string;
  createdAt: number;
  closedAt: number | null;
  open: boolean;
}

/** What a task can be about: kept per owner in a fixed-size sample, so memory does not grow with the accounts. */
interface TaskSubject {
  accountId: string;
  short: string;
  industry: string | null | undefined;
  type: string | null | undefined;
  contact: DemoSalesContact | null;
  deal: DealRef | null;
}

interface OwnerSample {
  seen: number;
  subjects: TaskSubject[];
}

// ---------------------------------------------------------------------------------------------
// Generation

/**
 * Feed it the accounts batch by batch (`batch`), then take the owners' tasks (`tasks`). The
 * output does not depend on how the accounts are split into batches. Deals, activities and tasks
 * draw from separate streams, so changing the activity volume leaves the pipeline as it was.
 */
export class DemoSalesGenerator {
  private readonly opts: Normalised;
  private readonly dealRng: Rng;
  private readonly activityRng: Rng;
  private readonly taskRng: Rng;
  /** Beijing midnight of `now`: every time is a day offset from it plus an office-hours time. */
  private readonly today: number;
  private readonly owners = new Map<string, OwnerSample>();
  private finished = false;

  constructor(options: DemoSalesOptions = {}) {
    this.opts = normalise(options);
    const root = new Rng((this.opts.seed ^ 0x5a1e5eed) >>> 0);
    this.dealRng = new Rng(root.u32());
    this.activityRng = new Rng(root.u32());
    this.taskRng = new Rng(root.u32());
    this.today = Math.floor((this.opts.now + BEIJING_OFFSET) / DAY) * DAY - BEIJING_OFFSET;
  }

  /** Deals and activities of these accounts (tasks come from `tasks` once every account was seen). */
  batch(accounts: readonly DemoSalesAccount[], contacts: readonly DemoSalesContact[]): DemoSalesBatch {
    if (this.finished) throw new Error('DemoSalesGenerator: batch() after tasks()');
    const byAccount = new Map<string, DemoSalesContact[]>();
    for (const c of contacts) {
      const list = byAccount.get(c.accountId);
      if (list) list.push(c);
      else byAccount.set(c.accountId, [c]);
    }
    const out: DemoSalesBatch = { opportunities: [], activities: [], tasks: [] };
    for (const account of accounts) {
      const people = byAccount.get(account.id) ?? [];
      const short = shortName(account);
      const deals = this.opportunities(account, short, people, out.opportunities);
      this.activities(account, short, people, deals, out.activities);
      if (account.poolState !== 'pool') this.sampleForTasks(account, short, people, deals);
    }
    return out;
  }

  /** The owners' tasks, `taskBatchSize` at a time. Call once, after the last batch. */
  *tasks(): Generator<DemoTask[]> {
    this.finished = true;
    let batch: DemoTask[] = [];
    for (const [ownerId, sample] of this.owners) {
      const n = sample.subjects.length;
      for (let j = 0; j < this.opts.tasksPerOwner && n > 0; j++) {
        batch.push(this.task(ownerId, sample.subjects[j % n] as TaskSubject));
        if (batch.length >= this.opts.taskBatchSize) {
          yield batch;
          batch = [];
        }
      }
    }
    if (batch.length > 0) yield batch;
  }

  /** Office-hours time (09:00–17:55) on the Beijing day `dayOffset` days from today. */
  private officeTime(dayOffset: number, rng: Rng): number {
    return this.today + dayOffset * DAY + 9 * HOUR + rng.int(0, 107) * 5 * MINUTE;
  }

  /** The same, moved a day back when it would be later than `now` (today's office hours not over yet). */
  private pastOfficeTime(dayOffset: number, rng: Rng): number {
    const at = this.officeTime(dayOffset, rng);
    return at > this.opts.now ? at - DAY : at;
  }

  private dayOf(ms: number): number {
    return Math.floor((ms - this.today) / DAY);
  }

  /** 'YYYY-MM-DD' of the Beijing day `dayOffset` days from today. */
  private date(dayOffset: number): string {
    return new Date(this.today + dayOffset * DAY + BEIJING_OFFSET).toISOString().slice(0, 10);
  }

  private catalog(account: DemoSalesAccount): readonly string[] {
    if (account.type === 'individual') return INDIVIDUAL_DEALS;
    return (account.industry ? DEALS[account.industry] : undefined) ?? GENERIC_DEALS;
  }

  private opportunities(account: DemoSalesAccount, short: string, people: DemoSalesContact[], out: DemoOpportunity[]): DealRef[] {
    const deals: DealRef[] = [];
    if (account.poolState === 'pool') return deals;
    const rng = this.dealRng;
    const { min, max } = this.opts.opportunities;
    if (!rng.chance(this.opts.opportunityChance)) return deals;
    const count = rng.int(min, max);
    const catalog = this.catalog(account);
    const used = new Set<string>();
    for (let k = 0; k < count; k++) {
      // Distinct deals per account while the catalogue lasts.
      let i = rng.int(0, catalog.length - 1);
      for (let tries = 0; tries < catalog.length && used.has(catalog[i] as string); tries++) i = (i + 1) % catalog.length;
      const deal = catalog[i] as string;
      used.add(deal);
      const stage = stagePicker.pick(rng);
      const plan = STAGE_PLAN[stage.code] as (typeof STAGE_PLAN)[string];
      let stageChangedAt: number;
      let closedAt: number | null = null;
      let closeDay: number;
      if (stage.kind === 'open') {
        const limit = stage.limitDays ?? 60;
        // Under the limit: at most limit - 1 days; over it: from limit + 1 days, so the flag is certain either way.
        const days = rng.chance(STALLED_SHARE) ? rng.int(limit + 1, limit * 3) : rng.int(0, limit - 1);
        stageChangedAt = this.pastOfficeTime(-days, rng);
        const [lo, hi] = plan.close ?? [0, 90];
        closeDay = rng.int(lo, hi);
      } else {
        const days = rng.int(1, 240);
        closedAt = this.officeTime(-days, rng);
        stageChangedAt = closedAt;
        closeDay = Math.min(-days + rng.int(-20, 10), -1);
      }
      const createdAt = Math.max(0, stageChangedAt - rng.int(plan.age[0], plan.age[1]) * DAY);
      const id = uuidv7(createdAt, rng);
      const contact = people.length > 0 && rng.chance(0.65) ? this.pickContact(people, rng) : null;
      const values: OpportunityValues = {
        accountId: account.id,
        name: this.dealName(account, short, deal, rng),
        stageId: stage.id,
        status: stage.kind,
        probability: stage.probability,
        amount: this.amount(account, rng),
        currency: 'CNY',
        expectedCloseDate: this.date(closeDay),
        source: rng.chance(0.8) ? sourcePicker.pick(rng) : null,
        contactId: contact ? contact.id : null,
        stageChangedAt,
        closedAt,
        lostReason: stage.kind === 'lost' ? rng.pick(LOST_REASONS) : null,
        leadId: null,
        lines: [],
        competitorIds: [],
        notes: rng.chance(0.25) ? rng.pick(OPPORTUNITY_NOTES) : null,
      };
      out.push({ id, accountId: account.id, ownerId: account.ownerId, values });
      deals.push({ id, deal, createdAt, closedAt, open: stage.kind === 'open' });
    }
    return deals;
  }

  private dealName(account: DemoSalesAccount, short: string, deal: string, rng: Rng): string {
    if (account.type === 'individual') return spaced(`${short} - ${deal}`);
    const style = rng.float();
    if (style < 0.4) return spaced(`${short}${deal}项目`);
    if (style < 0.5) return spaced(`${short}${deal}二期项目`);
    if (style < 0.8) return spaced(`${short}-${deal}`);
    return spaced(`${deal}（${short}）`);
  }

  /** Integer 分, rounded as quotes are: to ¥1,000 for small deals, up to ¥100,000 for the largest. */
  private amount(account: DemoSalesAccount, rng: Rng): number {
    const picker = account.type === 'individual' ? individualAmounts : (amountPickers[account.level ?? 'B'] ?? (amountPickers.B as Weighted<Bracket>));
    const [lo, hi, step] = picker.pick(rng);
    return rng.int(lo / step, hi / step) * step * 100;
  }

  /** The primary contact half the time (the one reps talk to), else anyone. */
  private pickContact(people: DemoSalesContact[], rng: Rng): DemoSalesContact {
    const primary = people.find((p) => p.isPrimary === true);
    return primary && rng.chance(0.5) ? primary : rng.pick(people);
  }

  private activities(account: DemoSalesAccount, short: string, people: DemoSalesContact[], deals: DealRef[], out: DemoActivity[]): void {
    const rng = this.activityRng;
    const count = rng.int(this.opts.activities.min, this.opts.activities.max);
    if (count === 0) return;
    const pool = account.poolState === 'pool';
    const last = typeof account.lastFollowUpAt === 'number' ? account.lastFollowUpAt : null;
    let day: number;
    let newest: number;
    if (last !== null) {
      newest = last;
      day = this.dayOf(last);
    } else {
      // Pool accounts went quiet long ago; owned ones were followed up lately.
      day = pool ? -rng.int(45, 400) : -rng.int(0, 20);
      newest = this.pastOfficeTime(day, rng);
      day = this.dayOf(newest);
    }
    const times = [newest];
    for (let k = 1; k < count; k++) {
      day -= rng.int(2, 21);
      times.push(this.officeTime(day, rng));
    }
    // The newest plans the account's next follow-up, or (no next one known) sometimes a new one.
    let next: number | null = null;
    const planned = typeof account.nextFollowUpAt === 'number' ? account.nextFollowUpAt : null;
    if (planned !== null) next = planned > newest ? planned : null;
    else if (last === null && !pool && rng.chance(0.5)) next = this.officeTime(this.dayOf(newest) + rng.int(2, 10), rng);

    const catalog = this.catalog(account);
    for (let k = count - 1; k >= 0; k--) {
      const at = times[k] as number;
      const type = typePicker.pick(rng);
      const contact = people.length > 0 && rng.chance(0.7) ? this.pickContact(people, rng) : null;
      let deal: DealRef | null = null;
      if (deals.length > 0 && rng.chance(0.55)) {
        const d = rng.pick(deals);
        if (d.createdAt <= at && (d.closedAt === null || at <= d.closedAt)) deal = d;
      }
      const words: Words = { contact: contact?.name ?? '对方负责人', short, deal: deal ? deal.deal : rng.pick(catalog), n: String(rng.int(5, 40)) };
      const [subject, body] = rng.pick(TEMPLATES[type]);
      const content = fill(body, words) + (rng.chance(0.35) ? rng.pick(EXTRA_SENTENCES) : '');
      const planning = k === 0 ? next : null;
      const checkin = type === 'checkin' ? this.checkin(account, short, rng) : null;
      const values: ActivityValues = {
        type,
        subject: fill(subject, words),
        occurredAt: at,
        content,
        outcome: type !== 'email' && rng.chance(0.55) ? rng.pick(OUTCOMES) : null,
        nextStep: rng.chance(planning !== null ? 0.85 : 0.3) ? rng.pick(NEXT_STEPS) : null,
        nextFollowUpAt: planning,
        accountId: account.id,
        leadId: null,
        contactId: contact ? contact.id : null,
        opportunityId: deal ? deal.id : null,
        location: checkin ? checkin.location : null,
        latitude: checkin ? checkin.latitude : null,
        longitude: checkin ? checkin.longitude : null,
      };
      out.push({ id: uuidv7(at, rng), accountId: account.id, ownerId: account.ownerId, values });
    }
  }

  /** Where the rep checked in: the account's address when known, a few km around its city centre. */
  private checkin(account: DemoSalesAccount, short: string, rng: Rng): { location: string; latitude: number; longitude: number } {
    const known = account.city && Object.hasOwn(CITY_COORDS, account.city) ? account.city : null;
    const city = known ?? rng.pick(CITY_NAMES);
    const [lat, lon] = CITY_COORDS[city] as readonly [number, number];
    const address = known ? `${city}${account.district ?? ''}${account.street ?? ''}` : city;
    // Whole micro-degrees, so the value is what validation's 6-digit rounding gives back.
    const latitude = (Math.round(lat * 1e6) + rng.int(-50_000, 50_000)) / 1e6;
    const longitude = (Math.round(lon * 1e6) + rng.int(-60_000, 60_000)) / 1e6;
    return { location: spaced(`${address}（${short}）`), latitude, longitude };
  }

  /** Reservoir sampling (Algorithm R): a uniform sample of each owner's accounts, of the tasks' size. */
  private sampleForTasks(account: DemoSalesAccount, short: string, people: DemoSalesContact[], deals: DealRef[]): void {
    const k = this.opts.tasksPerOwner;
    if (k === 0) return;
    let sample = this.owners.get(account.ownerId);
    if (!sample) {
      sample = { seen: 0, subjects: [] };
      this.owners.set(account.ownerId, sample);
    }
    sample.seen++;
    let slot = sample.subjects.length;
    if (slot >= k) {
      slot = this.taskRng.int(0, sample.seen - 1);
      if (slot >= k) return;
    }
    const contact = people.find((p) => p.isPrimary === true) ?? people[0] ?? null;
    sample.subjects[slot] = { accountId: account.id, short, industry: account.industry, type: account.type, contact, deal: deals.find((d) => d.open) ?? null };
  }

  private task(ownerId: string, subject: TaskSubject): DemoTask {
    const rng = this.taskRng;
    const template = rng.pick(TASK_TITLES);
    const usesContact = template.includes('{contact}') && subject.contact !== null;
    const usesDeal = template.includes('{deal}') && subject.deal !== null;
    const catalog = subject.type === 'individual' ? INDIVIDUAL_DEALS : ((subject.industry ? DEALS[subject.industry] : undefined) ?? GENERIC_DEALS);
    const words: Words = {
      contact: usesContact ? (subject.contact?.name ?? subject.short) : subject.short,
      short: subject.short,
      deal: usesDeal && subject.deal ? subject.deal.deal : rng.pick(catalog),
      n: '',
    };
    const r = rng.float();
    const dueDay = r < 0.25 ? -rng.int(1, 14) : r < 0.45 ? 0 : rng.int(1, 30);
    const dueAt = this.today + dueDay * DAY + 9 * HOUR + rng.int(0, 18) * 30 * MINUTE;
    const s = rng.float();
    const status = s < 0.2 ? 'done' : s < 0.23 ? 'cancelled' : 'open';
    const values: TaskValues = {
      title: fill(template, words),
      status,
      dueAt,
      remindAt: rng.chance(0.85) ? dueAt - rng.pick(REMIND_BEFORE) : null,
      notes: rng.chance(0.3) ? rng.pick(TASK_NOTES) : null,
      source: 'manual',
      completedAt: status === 'done' ? this.pastOfficeTime(Math.min(dueDay, 0) - rng.int(0, 2), rng) : null,
      accountId: subject.accountId,
      contactId: usesContact && subject.contact ? subject.contact.id : null,
      leadId: null,
      opportunityId: usesDeal && subject.deal ? subject.deal.id : null,
      contractId: null,
    };
    const createdAt = this.officeTime(Math.min(dueDay, 0) - rng.int(1, 10), rng);
    return { id: uuidv7(createdAt, rng), ownerId, values };
  }
}

/**
 * Streams sales data for a stream of account batches: one output batch per input batch (its
 * deals and activities), then the tasks in batches of `taskBatchSize`. Memory stays flat: only
 * the task sample (tasksPerOwner per owner) outlives a batch.
 */
export function* generateDemoSalesBatches(input: Iterable<DemoSalesInput>, options: DemoSalesOptions = {}): Generator<DemoSalesBatch> {
  const gen = new DemoSalesGenerator(options);
  for (const batch of input) yield gen.batch(batch.accounts, batch.contacts);
  for (const tasks of gen.tasks()) yield { opportunities: [], activities: [], tasks };
}

/** Everything at once, for small data sets and tests; the same records as the batches. */
export function generateDemoSales(input: DemoSalesInput, options: DemoSalesOptions = {}): DemoSalesBatch {
  const out: DemoSalesBatch = { opportunities: [], activities: [], tasks: [] };
  for (const batch of generateDemoSalesBatches([input], options)) {
    // Loops, not push(...batch): spreading 100,000 elements overflows the argument limit.
    for (const o of batch.opportunities) out.opportunities.push(o);
    for (const a of batch.activities) out.activities.push(a);
    for (const t of batch.tasks) out.tasks.push(t);
  }
  return out;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** A demo-data account as the sales generator reads it, owned by `ownerId`. */
export function demoSalesAccount(account: DemoAccount, ownerId: string): DemoSalesAccount {
  const v = account.values;
  return {
    id: account.id,
    name: str(v.name) ?? '',
    ownerId,
    poolState: v.poolState === 'pool' ? 'pool' : 'owned',
    type: str(v.type),
    industry: str(v.industry),
    level: str(v.level),
    city: str(v.city),
    district: str(v.district),
    street: str(v.street),
    lastFollowUpAt: num(v.lastFollowUpAt),
    nextFollowUpAt: num(v.nextFollowUpAt),
  };
}

export function demoSalesContact(contact: DemoContact): DemoSalesContact {
  return { id: contact.id, accountId: contact.accountId, name: str(contact.values.name), isPrimary: contact.values.isPrimary === true };
}
