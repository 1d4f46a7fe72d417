import type { Account, Contact } from '../entities/index';
import type { SystemFieldName } from '../entities/field';

/**
 * Deterministic zh-CN demo data for accounts (客户) and contacts (联系人).
 *
 * Everything a user sees (names, addresses, phones, tags, ...) depends only on the seed, so a
 * screenshot, a bug report or a benchmark can be reproduced; `now` only shifts the timestamps
 * (ids and follow-up dates) so that a freshly seeded replica looks current.
 *
 * Values are produced in the stored, normalised form that `validateValues` would return (landlines
 * as "area-number", URLs with their scheme, every field present), because the seeder loads them
 * with `bulkLoad`, which does not pass them through validation.
 */

export interface DemoAccount {
  id: string;
  values: Record<string, unknown>;
}
export interface DemoContact {
  id: string;
  accountId: string;
  values: Record<string, unknown>;
}

export interface DemoDataOptions {
  accounts: number;
  /** Inclusive range of contacts per account; default [1, 3]. */
  contactsPerAccount?: [min: number, max: number];
  /** Default 1, the seed the app's first start uses. */
  seed?: number;
  /** Epoch ms the follow-up dates and id timestamps are relative to; default Date.now(). */
  now?: number;
}

export interface DemoBatchOptions extends DemoDataOptions {
  /** Accounts per batch (their contacts come in the same batch); default 1000. */
  batchSize?: number;
}

/** Server-assigned numbers (customerNo) are the sync server's to give, never the generator's. */
type AccountValues = Omit<Account, SystemFieldName | 'customerNo'>;
type ContactValues = Omit<Contact, SystemFieldName>;
type Industry = NonNullable<AccountValues['industry']>;
type CompanySize = NonNullable<AccountValues['size']>;
type AccountLevel = NonNullable<AccountValues['level']>;
type LeadSource = NonNullable<AccountValues['source']>;
type DecisionRole = NonNullable<ContactValues['decisionRole']>;

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
/** China has one time zone and no DST: follow-ups fall in Beijing office hours. */
export const BEIJING_OFFSET = 8 * HOUR;
/** Id timestamps spread over this much history, so UUIDv7 order reads as "created over years". */
const ID_SPAN = 3 * 365 * DAY;

// ---------------------------------------------------------------------------------------------
// Randomness

/** mulberry32: tiny, fast and good enough for demo data; its state fits in one int. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  u32(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = Math.imul(this.state ^ (this.state >>> 15), 1 | this.state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  }
  float(): number {
    return this.u32() / 4294967296;
  }
  /** Integer in [lo, hi], both inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.float() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.float() * items.length)] as T;
  }
}

/** Cumulative weights so a weighted draw costs one float and a short scan. */
export class Weighted<T> {
  private readonly items: T[];
  private readonly cumulative: number[];
  private readonly total: number;
  constructor(entries: readonly (readonly [T, number])[]) {
    this.items = entries.map((e) => e[0]);
    let sum = 0;
    this.cumulative = entries.map((e) => (sum += e[1]));
    this.total = sum;
  }
  pick(rng: Rng): T {
    const x = rng.float() * this.total;
    const cum = this.cumulative;
    let i = 0;
    while (i < cum.length - 1 && (cum[i] as number) <= x) i++;
    return this.items[i] as T;
  }
}

function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * A keyed permutation of [0, 10^8) (a 4-round Feistel network over two 4-digit halves). Feeding
 * it a running counter gives 8-digit numbers that look random yet never repeat, so mobiles and
 * credit codes (exact duplicate keys in data cleaning) stay unique at any volume without keeping
 * a set of those already used.
 */
function permute8(x: number, key: number): number {
  let l = Math.floor(x / 10_000);
  let r = x % 10_000;
  for (let round = 0; round < 4; round++) {
    const f = mix32((r + Math.imul(round + 1, 0x9e3779b9) + key) | 0) % 10_000;
    const next = (l + f) % 10_000;
    l = r;
    r = next;
  }
  return l * 10_000 + r;
}

export const pad = (n: number, width: number) => String(n).padStart(width, '0');
const hex = (n: number, width: number) => (n >>> 0).toString(16).padStart(width, '0').slice(-width);

/** UUIDv7 layout (RFC 9562): 48-bit ms timestamp, version 7, 12 bits, variant 10, 62 bits. */
export function uuidv7(ms: number, rng: Rng): string {
  const ts = Math.max(0, Math.floor(ms)).toString(16).padStart(12, '0').slice(-12);
  const a = rng.u32();
  const b = rng.u32();
  const c = rng.u32();
  const variant = (0x8 | ((a >>> 12) & 0x3)).toString(16);
  return `${ts.slice(0, 8)}-${ts.slice(8)}-7${hex(a, 3)}-${variant}${hex(a >>> 14, 3)}-${hex(b, 8)}${hex(c, 4)}`;
}

// ---------------------------------------------------------------------------------------------
// Tables

interface District {
  name: string;
  streets: readonly string[];
}
interface City {
  /** Short name as used inside company names (杭州). */
  short: string;
  province: string;
  /** Landline area code (区号). */
  area: string;
  /** Abbreviation used in domains (hz → hzhengda.com). */
  abbr: string;
  /** Administrative division code, embedded in unified social credit codes. */
  division: string;
  /** Municipalities (直辖市) are their own province. */
  municipality?: boolean;
  weight: number;
  districts: readonly District[];
}

const d = (name: string, ...streets: string[]): District => ({ name, streets });

const CITIES: readonly City[] = [
  { short: '北京', province: '北京市', area: '010', abbr: 'bj', division: '110000', municipality: true, weight: 12, districts: [d('朝阳区', '建国路', '望京街', '朝阳北路'), d('海淀区', '中关村大街', '知春路', '学院路'), d('东城区', '王府井大街', '东四十条'), d('西城区', '金融大街', '阜成门内大街'), d('丰台区', '南四环西路', '丰台北路')] },
  { short: '上海', province: '上海市', area: '021', abbr: 'sh', division: '310000', municipality: true, weight: 12, districts: [d('浦东新区', '世纪大道', '张衡路', '陆家嘴环路'), d('徐汇区', '漕溪北路', '虹桥路', '肇嘉浜路'), d('静安区', '南京西路', '延安中路'), d('长宁区', '延安西路', '天山路'), d('闵行区', '沪闵路', '七莘路')] },
  { short: '天津', province: '天津市', area: '022', abbr: 'tj', division: '120000', municipality: true, weight: 4, districts: [d('和平区', '南京路', '滨江道'), d('南开区', '鞍山西道', '卫津路'), d('河西区', '友谊路', '解放南路'), d('滨海新区', '第二大街', '洞庭路')] },
  { short: '重庆', province: '重庆市', area: '023', abbr: 'cq', division: '500000', municipality: true, weight: 5, districts: [d('渝中区', '民族路', '中山三路'), d('江北区', '建新北路', '建新南路'), d('渝北区', '金开大道', '黄山大道'), d('九龙坡区', '科园一路', '杨家坪正街')] },
  { short: '广州', province: '广东省', area: '020', abbr: 'gz', division: '440100', weight: 9, districts: [d('天河区', '天河路', '体育西路', '花城大道'), d('越秀区', '环市东路', '东风中路'), d('海珠区', '新港中路', '江南大道中'), d('番禺区', '番禺大道', '迎宾路')] },
  { short: '深圳', province: '广东省', area: '0755', abbr: 'sz', division: '440300', weight: 10, districts: [d('南山区', '深南大道', '科苑路', '南海大道'), d('福田区', '益田路', '福华路'), d('罗湖区', '人民南路', '深南东路'), d('宝安区', '宝安大道', '创业一路'), d('龙岗区', '龙岗大道', '龙翔大道')] },
  { short: '佛山', province: '广东省', area: '0757', abbr: 'fs', division: '440600', weight: 3, districts: [d('禅城区', '汾江中路', '季华五路'), d('南海区', '海八路', '南海大道'), d('顺德区', '德民路', '德胜东路')] },
  { short: '杭州', province: '浙江省', area: '0571', abbr: 'hz', division: '330100', weight: 10, districts: [d('西湖区', '文三路', '天目山路', '古墩路'), d('滨江区', '江南大道', '滨盛路', '网商路'), d('拱墅区', '莫干山路', '湖墅南路'), d('上城区', '钱江路', '延安路'), d('余杭区', '文一西路', '五常大道')] },
  { short: '宁波', province: '浙江省', area: '0574', abbr: 'nb', division: '330200', weight: 4, districts: [d('鄞州区', '天童南路', '四明中路'), d('海曙区', '中山西路', '药行街'), d('江北区', '人民路', '大庆南路')] },
  { short: '温州', province: '浙江省', area: '0577', abbr: 'wz', division: '330300', weight: 3, districts: [d('鹿城区', '车站大道', '人民路'), d('瓯海区', '瓯海大道', '温瑞大道')] },
  { short: '南京', province: '江苏省', area: '025', abbr: 'nj', division: '320100', weight: 6, districts: [d('玄武区', '中山路', '珠江路'), d('鼓楼区', '中山北路', '广州路'), d('建邺区', '江东中路', '庐山路'), d('江宁区', '双龙大道', '天元中路')] },
  { short: '苏州', province: '江苏省', area: '0512', abbr: 'su', division: '320500', weight: 6, districts: [d('姑苏区', '人民路', '干将西路'), d('吴中区', '吴中大道', '东吴北路'), d('虎丘区', '狮山路', '长江路'), d('相城区', '相城大道', '阳澄湖路')] },
  { short: '无锡', province: '江苏省', area: '0510', abbr: 'wx', division: '320200', weight: 3, districts: [d('梁溪区', '中山路', '人民中路'), d('滨湖区', '蠡湖大道', '太湖大道'), d('新吴区', '长江路', '新华路')] },
  { short: '成都', province: '四川省', area: '028', abbr: 'cd', division: '510100', weight: 7, districts: [d('锦江区', '红星路', '东大街'), d('武侯区', '人民南路', '科华北路'), d('青羊区', '蜀都大道', '青华路'), d('成华区', '建设路', '府青路'), d('金牛区', '金府路', '沙湾路')] },
  { short: '武汉', province: '湖北省', area: '027', abbr: 'wh', division: '420100', weight: 6, districts: [d('江汉区', '解放大道', '建设大道'), d('武昌区', '中北路', '中南路'), d('洪山区', '珞喻路', '鲁磨路'), d('江岸区', '沿江大道', '中山大道')] },
  { short: '西安', province: '陕西省', area: '029', abbr: 'xa', division: '610100', weight: 5, districts: [d('雁塔区', '科技路', '小寨东路'), d('碑林区', '南大街', '东大街'), d('未央区', '未央路', '凤城八路'), d('新城区', '解放路', '东新街')] },
  { short: '长沙', province: '湖南省', area: '0731', abbr: 'cs', division: '430100', weight: 4, districts: [d('岳麓区', '麓谷大道', '桐梓坡路'), d('芙蓉区', '五一大道', '韶山北路'), d('天心区', '书院路', '芙蓉中路'), d('雨花区', '韶山中路', '劳动东路')] },
  { short: '郑州', province: '河南省', area: '0371', abbr: 'zz', division: '410100', weight: 4, districts: [d('金水区', '花园路', '农业路'), d('二七区', '大学路', '京广中路'), d('中原区', '建设西路', '中原中路')] },
  { short: '济南', province: '山东省', area: '0531', abbr: 'jn', division: '370100', weight: 3, districts: [d('历下区', '泉城路', '经十路'), d('市中区', '经四路', '纬二路'), d('槐荫区', '张庄路', '经十西路')] },
  { short: '青岛', province: '山东省', area: '0532', abbr: 'qd', division: '370200', weight: 4, districts: [d('市南区', '香港中路', '中山路'), d('市北区', '辽宁路', '敦化路'), d('崂山区', '海尔路', '松岭路'), d('黄岛区', '长江中路', '井冈山路')] },
  { short: '合肥', province: '安徽省', area: '0551', abbr: 'hf', division: '340100', weight: 3, districts: [d('蜀山区', '长江西路', '黄山路'), d('包河区', '马鞍山路', '徽州大道'), d('庐阳区', '长江中路', '阜阳路')] },
  { short: '福州', province: '福建省', area: '0591', abbr: 'fz', division: '350100', weight: 3, districts: [d('鼓楼区', '五四路', '杨桥中路'), d('台江区', '八一七中路', '工业路'), d('仓山区', '浦上大道', '首山路')] },
  { short: '厦门', province: '福建省', area: '0592', abbr: 'xm', division: '350200', weight: 3, districts: [d('思明区', '湖滨南路', '鹭江道', '中山路'), d('湖里区', '湖里大道', '仙岳路'), d('集美区', '集美大道', '杏林湾路')] },
  { short: '沈阳', province: '辽宁省', area: '024', abbr: 'sy', division: '210100', weight: 3, districts: [d('和平区', '中山路', '南京北街'), d('沈河区', '青年大街', '北站路'), d('皇姑区', '北陵大街', '黄河南大街')] },
  { short: '大连', province: '辽宁省', area: '0411', abbr: 'dl', division: '210200', weight: 2, districts: [d('中山区', '人民路', '中山路'), d('沙河口区', '西安路', '黄河路'), d('甘井子区', '黄浦路', '华北路')] },
  { short: '哈尔滨', province: '黑龙江省', area: '0451', abbr: 'hrb', division: '230100', weight: 2, districts: [d('南岗区', '西大直街', '红军街'), d('道里区', '中央大街', '友谊路')] },
  { short: '昆明', province: '云南省', area: '0871', abbr: 'km', division: '530100', weight: 2, districts: [d('五华区', '东风西路', '人民中路'), d('盘龙区', '北京路', '白塔路'), d('官渡区', '春城路', '民航路')] },
  { short: '南昌', province: '江西省', area: '0791', abbr: 'nc', division: '360100', weight: 2, districts: [d('东湖区', '八一大道', '阳明路'), d('红谷滩区', '红谷中大道', '丰和中大道')] },
  { short: '石家庄', province: '河北省', area: '0311', abbr: 'sjz', division: '130100', weight: 2, districts: [d('长安区', '中山东路', '建设北大街'), d('桥西区', '中山西路', '自强路'), d('裕华区', '槐安东路', '裕华东路')] },
];
const cityPicker = new Weighted(CITIES.map((c) => [c, c.weight] as const));

/** Brand characters with pinyin, so the romanised domain matches the Chinese brand. */
const BRAND_CHARS: readonly (readonly [string, string])[] = [
  ['恒', 'heng'], ['达', 'da'], ['华', 'hua'], ['信', 'xin'], ['天', 'tian'], ['博', 'bo'], ['瑞', 'rui'], ['鑫', 'xin'],
  ['隆', 'long'], ['泰', 'tai'], ['盛', 'sheng'], ['宏', 'hong'], ['远', 'yuan'], ['新', 'xin'], ['诚', 'cheng'], ['嘉', 'jia'],
  ['和', 'he'], ['安', 'an'], ['康', 'kang'], ['永', 'yong'], ['正', 'zheng'], ['金', 'jin'], ['中', 'zhong'], ['联', 'lian'],
  ['创', 'chuang'], ['兴', 'xing'], ['通', 'tong'], ['明', 'ming'], ['德', 'de'], ['利', 'li'], ['源', 'yuan'], ['汇', 'hui'],
  ['丰', 'feng'], ['佳', 'jia'], ['美', 'mei'], ['晨', 'chen'], ['光', 'guang'], ['元', 'yuan'], ['禾', 'he'], ['锦', 'jin'],
  ['辰', 'chen'], ['启', 'qi'], ['众', 'zhong'], ['海', 'hai'], ['蓝', 'lan'], ['星', 'xing'], ['卓', 'zhuo'], ['越', 'yue'],
  ['立', 'li'], ['方', 'fang'], ['润', 'run'], ['东', 'dong'], ['智', 'zhi'], ['云', 'yun'], ['腾', 'teng'], ['亿', 'yi'],
  ['凯', 'kai'], ['富', 'fu'], ['昌', 'chang'], ['旭', 'xu'], ['顺', 'shun'], ['万', 'wan'], ['宇', 'yu'], ['荣', 'rong'],
  ['景', 'jing'], ['府', 'fu'], ['峰', 'feng'], ['致', 'zhi'],
];

/** Words that say what a company does, grouped by the industry enum they imply; tag goes into the domain. */
const INDUSTRY_WORDS: Record<Exclude<Industry, 'government'>, readonly (readonly [word: string, tag: string])[]> = {
  manufacturing: [['机械制造', 'machinery'], ['电子', 'elec'], ['精密机械', 'precision'], ['新材料', 'material'], ['汽车零部件', 'auto'], ['化工', 'chem'], ['纺织', 'textile'], ['包装材料', 'pack']],
  it: [['智能科技', 'tech'], ['信息技术', 'it'], ['网络科技', 'net'], ['软件', 'soft'], ['数据科技', 'data'], ['云计算', 'cloud']],
  finance: [['投资管理', 'invest'], ['融资租赁', 'leasing'], ['资产管理', 'capital'], ['保险代理', 'insurance']],
  retail: [['商贸', 'trade'], ['电子商务', 'ec'], ['百货', 'mall'], ['连锁超市', 'mart'], ['食品', 'food']],
  education: [['教育科技', 'edu'], ['文化教育', 'edu'], ['职业技能培训', 'training']],
  healthcare: [['医疗器械', 'medical'], ['医药', 'pharma'], ['生物科技', 'bio'], ['健康管理', 'health']],
  real_estate: [['房地产开发', 'realty'], ['置业', 'land'], ['物业服务', 'property']],
  logistics: [['物流', 'logistics'], ['供应链管理', 'scm'], ['国际货运代理', 'freight'], ['快运', 'express']],
  energy: [['新能源', 'energy'], ['电力工程', 'power'], ['光伏科技', 'solar'], ['燃气', 'gas']],
  construction: [['建设工程', 'build'], ['建筑装饰工程', 'deco'], ['市政工程', 'civil'], ['建材', 'bm']],
  agriculture: [['农业科技', 'agri'], ['生态农业', 'eco'], ['农产品', 'farm'], ['种业', 'seed']],
  media: [['文化传媒', 'media'], ['广告', 'ad'], ['影视传媒', 'film'], ['会展服务', 'expo']],
  other: [['餐饮管理', 'food'], ['企业管理咨询', 'consulting'], ['酒店管理', 'hotel'], ['人力资源', 'hr'], ['环保科技', 'eco']],
};

const industryPicker = new Weighted<Industry>([
  ['manufacturing', 18], ['it', 14], ['retail', 12], ['construction', 8], ['logistics', 7], ['healthcare', 6], ['other', 6],
  ['finance', 5], ['education', 5], ['real_estate', 5], ['energy', 4], ['media', 4], ['agriculture', 3], ['government', 3],
]);

/** Government customers are offices, not companies: no legal suffix, no website, a "11" credit code. */
const GOV_OFFICES = ['教育局', '卫生健康委员会', '市场监督管理局', '住房和城乡建设局', '交通运输局', '人力资源和社会保障局', '财政局', '民政局', '公共资源交易中心', '大数据管理局'];

const legalSuffixPicker = new Weighted<string>([['有限公司', 70], ['有限责任公司', 10], ['股份有限公司', 10], ['集团有限公司', 6]]);

/** Surnames weighted roughly by frequency, so 王 李 张 dominate as they do in real lists. */
const surnamePicker = new Weighted<readonly [string, string]>(
  (
    [
      ['王', 'wang', 71], ['李', 'li', 70], ['张', 'zhang', 67], ['刘', 'liu', 54], ['陈', 'chen', 45], ['杨', 'yang', 31], ['黄', 'huang', 22],
      ['赵', 'zhao', 20], ['吴', 'wu', 20], ['周', 'zhou', 19], ['徐', 'xu', 13], ['孙', 'sun', 12], ['马', 'ma', 12], ['朱', 'zhu', 11],
      ['胡', 'hu', 11], ['郭', 'guo', 11], ['何', 'he', 10], ['高', 'gao', 10], ['林', 'lin', 10], ['罗', 'luo', 9], ['郑', 'zheng', 8],
      ['梁', 'liang', 8], ['谢', 'xie', 7], ['宋', 'song', 7], ['唐', 'tang', 7], ['许', 'xu', 6], ['韩', 'han', 6], ['冯', 'feng', 6],
      ['邓', 'deng', 6], ['曹', 'cao', 6], ['彭', 'peng', 5], ['曾', 'zeng', 5], ['肖', 'xiao', 5], ['田', 'tian', 5], ['董', 'dong', 5],
      ['袁', 'yuan', 4], ['潘', 'pan', 4], ['于', 'yu', 4], ['蒋', 'jiang', 4], ['蔡', 'cai', 4], ['余', 'yu', 4], ['杜', 'du', 4],
      ['叶', 'ye', 4], ['程', 'cheng', 4], ['苏', 'su', 3], ['魏', 'wei', 3], ['吕', 'lv', 3], ['丁', 'ding', 3], ['任', 'ren', 3],
      ['沈', 'shen', 3], ['姚', 'yao', 3], ['卢', 'lu', 3], ['姜', 'jiang', 3], ['崔', 'cui', 3], ['钟', 'zhong', 3], ['谭', 'tan', 3],
      ['陆', 'lu', 3], ['汪', 'wang', 3], ['范', 'fan', 3], ['金', 'jin', 3], ['石', 'shi', 3], ['廖', 'liao', 3], ['贾', 'jia', 2],
      ['夏', 'xia', 2], ['韦', 'wei', 2], ['付', 'fu', 2], ['方', 'fang', 2], ['白', 'bai', 2], ['邹', 'zou', 2], ['孟', 'meng', 2],
      ['熊', 'xiong', 2], ['秦', 'qin', 2], ['邱', 'qiu', 2], ['江', 'jiang', 2], ['尹', 'yin', 2], ['薛', 'xue', 2], ['段', 'duan', 2],
      ['雷', 'lei', 2], ['侯', 'hou', 2], ['龙', 'long', 2], ['史', 'shi', 2], ['陶', 'tao', 2], ['黎', 'li', 2], ['贺', 'he', 2],
      ['顾', 'gu', 2], ['毛', 'mao', 2], ['郝', 'hao', 2], ['龚', 'gong', 2], ['邵', 'shao', 2], ['钱', 'qian', 2], ['严', 'yan', 2],
      ['欧阳', 'ouyang', 1], ['司马', 'sima', 1],
    ] as const
  ).map(([zh, py, w]) => [[zh, py] as const, w] as const),
);

/** Given-name characters by the gender they usually signal, so names read as real ones (no 丹军). */
const MALE_GIVEN: readonly (readonly [string, string])[] = [
  ['伟', 'wei'], ['强', 'qiang'], ['磊', 'lei'], ['军', 'jun'], ['勇', 'yong'], ['杰', 'jie'], ['涛', 'tao'], ['明', 'ming'],
  ['超', 'chao'], ['刚', 'gang'], ['建', 'jian'], ['国', 'guo'], ['文', 'wen'], ['辉', 'hui'], ['鹏', 'peng'], ['宇', 'yu'],
  ['浩', 'hao'], ['志', 'zhi'], ['海', 'hai'], ['俊', 'jun'], ['斌', 'bin'], ['博', 'bo'], ['轩', 'xuan'], ['峰', 'feng'],
  ['亮', 'liang'], ['飞', 'fei'], ['鑫', 'xin'], ['凯', 'kai'], ['昊', 'hao'], ['睿', 'rui'], ['林', 'lin'], ['东', 'dong'],
  ['华', 'hua'], ['平', 'ping'], ['晨', 'chen'], ['宁', 'ning'], ['子', 'zi'], ['晓', 'xiao'], ['嘉', 'jia'], ['春', 'chun'],
];
const FEMALE_GIVEN: readonly (readonly [string, string])[] = [
  ['芳', 'fang'], ['娜', 'na'], ['敏', 'min'], ['静', 'jing'], ['丽', 'li'], ['艳', 'yan'], ['娟', 'juan'], ['秀', 'xiu'],
  ['霞', 'xia'], ['桂', 'gui'], ['英', 'ying'], ['玉', 'yu'], ['婷', 'ting'], ['雪', 'xue'], ['琳', 'lin'], ['欣', 'xin'],
  ['佳', 'jia'], ['颖', 'ying'], ['梅', 'mei'], ['红', 'hong'], ['慧', 'hui'], ['倩', 'qian'], ['思', 'si'], ['雨', 'yu'],
  ['涵', 'han'], ['丹', 'dan'], ['萍', 'ping'], ['琴', 'qin'], ['瑶', 'yao'], ['怡', 'yi'], ['欢', 'huan'], ['燕', 'yan'],
  ['华', 'hua'], ['平', 'ping'], ['晨', 'chen'], ['宁', 'ning'], ['子', 'zi'], ['晓', 'xiao'], ['嘉', 'jia'], ['春', 'chun'],
];

interface Title {
  title: string;
  role: DecisionRole;
}
const t = (title: string, role: DecisionRole): Title => ({ title, role });
const COMPANY_DECIDERS = [t('总经理', 'decision_maker'), t('董事长', 'decision_maker'), t('副总经理', 'decision_maker'), t('财务总监', 'decision_maker')];
const COMPANY_INFLUENCERS = [t('采购经理', 'influencer'), t('采购总监', 'influencer'), t('技术总监', 'influencer'), t('IT 主管', 'influencer'), t('信息部经理', 'influencer'), t('运营总监', 'influencer'), t('市场总监', 'influencer'), t('项目经理', 'influencer'), t('生产经理', 'influencer')];
const COMPANY_USERS = [t('销售经理', 'user'), t('行政主管', 'user'), t('客服主管', 'user'), t('工程师', 'user'), t('财务专员', 'user'), t('采购专员', 'user'), t('人事经理', 'user'), t('仓储主管', 'user')];
const COMPANY_ANY = [...COMPANY_DECIDERS, ...COMPANY_INFLUENCERS, ...COMPANY_USERS];
const GOV_DECIDERS = [t('局长', 'decision_maker'), t('副局长', 'decision_maker'), t('主任', 'decision_maker')];
const GOV_OTHERS = [t('办公室主任', 'influencer'), t('信息中心主任', 'influencer'), t('科长', 'influencer'), t('副科长', 'influencer'), t('科员', 'user')];
const GOV_ANY = [...GOV_DECIDERS, ...GOV_OTHERS];

/** Real mobile prefixes of the three carriers; the validator only checks 1[3-9]. */
const MOBILE_PREFIXES = ['130', '131', '132', '133', '135', '136', '137', '138', '139', '150', '151', '152', '155', '156', '157', '158', '159', '166', '173', '177', '180', '181', '182', '183', '185', '186', '187', '188', '189', '191', '198', '199'];
/** Landline numbers start 2–8; 8 and 6 are the busiest business ranges. */
const LANDLINE_FIRST = ['8', '8', '8', '6', '6', '5', '2', '3', '7'];

const TAGS = ['重点客户', '老客户', '招投标', '渠道', '代理商', '战略合作', '新客户', '续约', '高潜力', '价格敏感', '上市公司', '外资', '需回访'];
const tagCountPicker = new Weighted<number>([[0, 35], [1, 35], [2, 20], [3, 10]]);

const NOTES = [
  '年底有采购预算，关注私有化部署方案。',
  '对价格比较敏感，报价前需申请特殊折扣。',
  '客户 IT 部门正在做选型，已提交技术方案。',
  '合作三年的老客户，续约意向明确。',
  '通过展会认识，对移动端外勤签到功能感兴趣。',
  '需要开具增值税专用发票，付款周期 60 天。',
  '决策链较长，需先打通采购和财务。',
  '上次拜访反馈现有系统响应慢，希望年内替换。',
  '竞争对手已介入，需尽快安排产品演示。',
  '预计下季度启动招标，注意资质要求。',
  '客户要求数据本地存储，不接受公有云。',
  '负责人近期出差，下周再联系。',
  '已寄送样品，等待试用反馈。',
  '合同已进入法务审核阶段。',
  '老板比较重视售后服务响应时间。',
];

const sourcePicker = new Weighted<LeadSource>([['referral', 22], ['website', 18], ['cold_call', 18], ['online_ad', 16], ['offline_event', 14], ['partner', 12]]);
const individualSourcePicker = new Weighted<LeadSource>([['referral', 40], ['website', 25], ['offline_event', 20], ['online_ad', 15]]);
const sizePicker = new Weighted<CompanySize>([['xs', 25], ['s', 35], ['m', 25], ['l', 10], ['xl', 5]]);
const levelPicker = new Weighted<AccountLevel>([['A', 15], ['B', 35], ['C', 50]]);
const bigLevelPicker = new Weighted<AccountLevel>([['A', 40], ['B', 40], ['C', 20]]);
const individualLevelPicker = new Weighted<AccountLevel>([['A', 5], ['B', 25], ['C', 70]]);

const PERSONAL_MAIL = ['qq.com', '163.com', '126.com', 'sina.com', 'foxmail.com', 'hotmail.com'];
const COMPANY_MAILBOXES = ['info', 'contact', 'sales', 'service', 'market', 'office', 'admin', 'hr'];
const COMMUNITIES = ['阳光花园', '翠苑', '金色家园', '锦绣华庭', '桂花园', '世纪新城', '东方名苑', '滨江花园', '和平里小区', '紫金城'];
const WECHAT_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

// Unified social credit code (GB 32100-2015): 17 characters and a mod-31 check character.
const CREDIT_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

/** Real-looking codes (valid check characters) so a data-cleaning demo can check them. */
function creditCode(prefix: string, division: string, body: number): string {
  const org = pad(body, 8);
  let orgSum = 0;
  for (let i = 0; i < 8; i++) orgSum += Number(org[i]) * (ORG_WEIGHTS[i] as number);
  const orgCheck = 11 - (orgSum % 11);
  const head = `${prefix}${division}${org}${orgCheck === 10 ? 'X' : orgCheck === 11 ? '0' : String(orgCheck)}`;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CREDIT_CHARS.indexOf(head[i] as string) * (CREDIT_WEIGHTS[i] as number);
  return head + CREDIT_CHARS[(31 - (sum % 31)) % 31];
}

// ---------------------------------------------------------------------------------------------
// Generation

interface Person {
  name: string;
  surnamePy: string;
  givenPy: string;
  /** Initials of the given name, for mailbox styles like zhangxm. */
  givenInitials: string;
}

/** Fixed first contact: the search demo and the benchmark type 张伟 and must find someone. */
const ZHANG_WEI: Person = { name: '张伟', surnamePy: 'zhang', givenPy: 'wei', givenInitials: 'w' };

interface CompanyCtx {
  domain: string | null;
  landline: string | null;
  area: string;
  government: boolean;
  individual: Person | null;
  mobile: string | null;
}

interface Normalised {
  accounts: number;
  min: number;
  max: number;
  seed: number;
  now: number;
  batchSize: number;
}

function normalise(options: DemoBatchOptions): Normalised {
  const [min, max] = options.contactsPerAccount ?? [1, 3];
  const accounts = options.accounts;
  const batchSize = options.batchSize ?? 1000;
  if (!Number.isSafeInteger(accounts) || accounts < 0) throw new RangeError(`accounts must be a non-negative integer, got ${accounts}`);
  if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || min < 0 || max < min) throw new RangeError(`contactsPerAccount must be [min, max] with 0 <= min <= max, got [${min}, ${max}]`);
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  return { accounts, min, max, seed: options.seed ?? 1, now: options.now ?? Date.now(), batchSize };
}

class DemoGenerator {
  private readonly rng: Rng;
  private readonly mobileKey: number;
  private readonly creditKey: number;
  private index = 0;
  private mobileSeq = 0;
  private creditSeq = 0;
  private readonly idStart: number;
  private readonly idStep: number;
  /** Beijing midnight of `now`, the anchor for office-hour follow-up times. */
  private readonly today: number;
  private readonly year: number;

  constructor(private readonly opts: Normalised) {
    this.rng = new Rng(opts.seed);
    this.mobileKey = this.rng.u32();
    this.creditKey = this.rng.u32();
    // Each account and its contacts get strictly increasing id timestamps, so ids are unique by
    // construction and sort in creation order; the step leaves room for every contact.
    this.idStep = Math.max(opts.max + 1, Math.floor(ID_SPAN / Math.max(1, opts.accounts)));
    this.idStart = Math.max(0, opts.now - opts.accounts * this.idStep);
    this.today = Math.floor((opts.now + BEIJING_OFFSET) / DAY) * DAY - BEIJING_OFFSET;
    this.year = new Date(opts.now + BEIJING_OFFSET).getUTCFullYear();
  }

  next(accounts: DemoAccount[], contacts: DemoContact[]): void {
    const rng = this.rng;
    const i = this.index++;
    const jitter = this.idStep > this.opts.max + 1 ? rng.int(0, this.idStep - this.opts.max - 2) : 0;
    const createdAt = this.idStart + i * this.idStep + jitter;
    const accountId = uuidv7(createdAt, rng);
    const city = cityPicker.pick(rng);
    const ctx: CompanyCtx = { domain: null, landline: null, area: city.area, government: false, individual: null, mobile: null };
    const values = i > 0 && rng.chance(0.08) ? this.individualAccount(city, ctx) : this.companyAccount(city, ctx);
    accounts.push({ id: accountId, values });

    const count = ctx.individual ? this.opts.min : rng.int(this.opts.min, this.opts.max);
    for (let j = 0; j < count; j++) {
      const id = uuidv7(createdAt + 1 + j, rng);
      let person = j === 0 && ctx.individual ? ctx.individual : this.person();
      if (i === 0 && j === 0) person = ZHANG_WEI;
      contacts.push({ id, accountId, values: this.contact(accountId, person, j === 0, ctx) });
    }
  }

  private companyAccount(city: City, ctx: CompanyCtx): AccountValues {
    const rng = this.rng;
    const industry = industryPicker.pick(rng);
    const district = rng.pick(city.districts);
    const cityName = city.municipality ? city.province : `${city.short}市`;
    let name: string;
    let size: CompanySize;
    let creditPrefix = '91';
    if (industry === 'government') {
      ctx.government = true;
      name = rng.chance(0.5) ? `${cityName}${rng.pick(GOV_OFFICES)}` : `${cityName}${district.name}${rng.pick(GOV_OFFICES)}`;
      size = rng.chance(0.5) ? 'm' : 'l';
      creditPrefix = '11';
    } else {
      const [word, tag] = rng.pick(INDUSTRY_WORDS[industry]);
      const first = rng.pick(BRAND_CHARS);
      let second = rng.pick(BRAND_CHARS);
      if (second === first) second = BRAND_CHARS[(BRAND_CHARS.indexOf(first) + 1) % BRAND_CHARS.length] as readonly [string, string];
      const suffix = legalSuffixPicker.pick(rng);
      const where = rng.float();
      // Shenzhen-style "深圳市…", plain "杭州…", or no place at all for nationally registered firms.
      const prefix = where < 0.3 ? `${city.short}市` : where < 0.85 ? city.short : '';
      name = `${prefix}${first[0]}${second[0]}${word}${suffix}`;
      size = suffix.includes('集团') || suffix.includes('股份') ? (rng.chance(0.5) ? 'l' : 'xl') : sizePicker.pick(rng);
      const brand = `${first[1]}${second[1]}`;
      const style = rng.int(0, 4);
      ctx.domain =
        style === 0 ? `${brand}-${tag}.com` : style === 1 ? `${brand}${tag}.com.cn` : style === 2 ? `${city.abbr}${brand}.com` : style === 3 ? `${brand}${rng.int(1995, 2020)}.com` : `${brand}.cn`;
    }
    ctx.landline = `${city.area}-${rng.pick(LANDLINE_FIRST)}${pad(rng.int(0, 9_999_999), 7)}`;
    const level = size === 'l' || size === 'xl' ? bigLevelPicker.pick(rng) : levelPicker.pick(rng);
    const pool = rng.chance(0.12);
    const hasAddress = rng.chance(0.95);
    const tags = this.tags(ctx.government);
    return {
      name,
      type: 'company',
      industry,
      size,
      level,
      source: sourcePicker.pick(rng),
      creditCode: rng.chance(0.85) ? creditCode(creditPrefix, city.division, permute8(this.creditSeq++, this.creditKey)) : null,
      status: rng.chance(0.04) ? 'locked' : 'normal',
      poolState: pool ? 'pool' : 'owned',
      tags,
      phone: rng.chance(0.92) ? ctx.landline : null,
      email: ctx.domain && rng.chance(0.65) ? `${rng.pick(COMPANY_MAILBOXES)}@${ctx.domain}` : null,
      website: ctx.domain && rng.chance(0.7) ? `https://www.${ctx.domain}` : null,
      province: hasAddress ? city.province : null,
      city: hasAddress ? cityName : null,
      district: hasAddress ? district.name : null,
      street: hasAddress ? this.street(district) : null,
      ...this.followUps(pool),
      notes: rng.chance(0.3) ? rng.pick(NOTES) : null,
    };
  }

  private individualAccount(city: City, ctx: CompanyCtx): AccountValues {
    const rng = this.rng;
    const person = this.person();
    ctx.individual = person;
    ctx.mobile = this.mobile();
    const district = rng.pick(city.districts);
    const hasCity = rng.chance(0.6);
    const hasStreet = hasCity && rng.chance(0.6);
    const pool = rng.chance(0.12);
    return {
      name: person.name,
      type: 'individual',
      industry: null,
      size: null,
      level: individualLevelPicker.pick(rng),
      source: individualSourcePicker.pick(rng),
      creditCode: null,
      status: rng.chance(0.04) ? 'locked' : 'normal',
      poolState: pool ? 'pool' : 'owned',
      tags: this.tags(false),
      phone: ctx.mobile,
      email: rng.chance(0.5) ? this.personalEmail(person) : null,
      website: null,
      province: hasCity ? city.province : null,
      city: hasCity ? (city.municipality ? city.province : `${city.short}市`) : null,
      district: hasCity ? district.name : null,
      street: hasStreet ? `${rng.pick(COMMUNITIES)} ${rng.int(1, 30)} 幢 ${rng.int(1, 4)} 单元 ${rng.int(1, 32)}0${rng.int(1, 4)} 室` : null,
      ...this.followUps(pool),
      notes: rng.chance(0.2) ? rng.pick(NOTES) : null,
    };
  }

  private contact(accountId: string, person: Person, primary: boolean, ctx: CompanyCtx): ContactValues {
    const rng = this.rng;
    let title: Title | null;
    if (ctx.individual) title = primary ? null : t('助理', 'influencer');
    else if (ctx.government) title = primary && rng.chance(0.6) ? rng.pick(GOV_DECIDERS) : rng.pick(primary ? GOV_OTHERS : GOV_ANY);
    else title = primary ? rng.pick(rng.chance(0.6) ? COMPANY_DECIDERS : COMPANY_INFLUENCERS) : rng.pick(COMPANY_ANY);
    const self = primary && ctx.individual !== null;
    const mobile = self && ctx.mobile ? ctx.mobile : this.mobile();
    const role: DecisionRole | null = self ? 'decision_maker' : title && rng.chance(0.9) ? title.role : null;
    // A direct line shares the switchboard's exchange (first four digits), as real ones do.
    const phone = ctx.landline && rng.chance(0.3) ? `${ctx.landline.slice(0, ctx.area.length + 5)}${pad(rng.int(0, 9999), 4)}` : null;
    let email: string | null = null;
    if (ctx.domain && rng.chance(0.75)) email = `${this.mailbox(person)}@${ctx.domain}`;
    else if (rng.chance(0.3)) email = this.personalEmail(person);
    return {
      accountId,
      name: person.name,
      title: title ? title.title : null,
      decisionRole: role,
      isPrimary: primary,
      birthday: rng.chance(0.3) ? this.birthday() : null,
      mobile,
      phone,
      email,
      wechat: rng.chance(0.35) ? this.wechat(person, mobile) : null,
    };
  }

  private person(): Person {
    const rng = this.rng;
    const [surname, surnamePy] = surnamePicker.pick(rng);
    const chars = rng.chance(0.5) ? MALE_GIVEN : FEMALE_GIVEN;
    const a = rng.pick(chars);
    if (rng.chance(0.35)) return { name: surname + a[0], surnamePy, givenPy: a[1], givenInitials: a[1].charAt(0) };
    const b = rng.pick(chars);
    return { name: surname + a[0] + b[0], surnamePy, givenPy: a[1] + b[1], givenInitials: a[1].charAt(0) + b[1].charAt(0) };
  }

  private mobile(): string {
    return `${this.rng.pick(MOBILE_PREFIXES)}${pad(permute8(this.mobileSeq++, this.mobileKey), 8)}`;
  }

  private mailbox(p: Person): string {
    switch (this.rng.int(0, 3)) {
      case 0:
        return `${p.surnamePy}.${p.givenPy}`;
      case 1:
        return `${p.surnamePy}${p.givenPy}`;
      case 2:
        return `${p.givenPy}.${p.surnamePy}`;
      default:
        return `${p.surnamePy}${p.givenInitials}`;
    }
  }

  private personalEmail(p: Person): string {
    const rng = this.rng;
    const host = rng.pick(PERSONAL_MAIL);
    if (host === 'qq.com') return `${rng.int(10_000, 2_999_999_999)}@qq.com`;
    return `${p.surnamePy}${p.givenPy}${rng.chance(0.5) ? rng.int(1965, 2002) : rng.int(1, 999)}@${host}`;
  }

  private wechat(p: Person, mobile: string): string {
    const rng = this.rng;
    const style = rng.int(0, 5);
    if (style === 0) return mobile;
    if (style === 1) {
      let id = 'wxid_';
      for (let k = 0; k < 12; k++) id += WECHAT_ALNUM.charAt(rng.int(0, WECHAT_ALNUM.length - 1));
      return id;
    }
    if (style === 2) return `${p.surnamePy}_${p.givenPy}`;
    return `${p.surnamePy}${p.givenPy}${rng.int(1, 9999)}`;
  }

  private birthday(): string {
    const rng = this.rng;
    const year = this.year - rng.int(24, 58);
    const month = rng.int(1, 12);
    const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
    return `${year}-${pad(month, 2)}-${pad(rng.int(1, days), 2)}`;
  }

  private street(district: District): string {
    const rng = this.rng;
    const base = `${rng.pick(district.streets)} ${rng.int(1, 999)} 号`;
    const style = rng.float();
    if (style < 0.5) return base;
    if (style < 0.8) return `${base} ${rng.int(2, 28)}${pad(rng.int(1, 20), 2)} 室`;
    return `${base} ${'ABCD'.charAt(rng.int(0, 3))} 座 ${rng.int(2, 30)} 层`;
  }

  private tags(government: boolean): string[] {
    const rng = this.rng;
    const n = tagCountPicker.pick(rng);
    const out: string[] = [];
    if (government && rng.chance(0.6)) out.push('招投标');
    while (out.length < n) {
      const tag = rng.pick(TAGS);
      if (!out.includes(tag)) out.push(tag);
    }
    return out;
  }

  /** Office-hours time on the Beijing day `dayOffset` days from today. */
  private officeTime(dayOffset: number): number {
    return this.today + dayOffset * DAY + 9 * HOUR + this.rng.int(0, 107) * 5 * MINUTE;
  }

  /**
   * Owned accounts are mostly followed up recently and have a next step, some of it overdue (so
   * reminders have something to show); pool accounts went quiet long ago, which is why they are there.
   */
  private followUps(pool: boolean): Pick<AccountValues, 'lastFollowUpAt' | 'nextFollowUpAt' | 'previousOwnerId' | 'pooledAt' | 'poolReason' | 'ownedSince'> {
    const rng = this.rng;
    const now = this.opts.now;
    let last: number | null = null;
    let next: number | null = null;
    if (pool) {
      if (rng.chance(0.7)) last = this.officeTime(-rng.int(30, 365));
    } else {
      if (rng.chance(0.85)) {
        const r = rng.float();
        last = this.officeTime(-(r < 0.4 ? rng.int(0, 7) : r < 0.75 ? rng.int(8, 30) : rng.int(31, 180)));
        if (last > now) last -= DAY;
      }
      if (rng.chance(0.65)) {
        next = this.officeTime(rng.int(-7, 30));
        // A next step is planned at a follow-up, so it never predates the last one.
        if (last !== null && next <= last) next = last + rng.int(1, 14) * DAY;
      }
    }
    const lastFollowUpAt = last === null ? null : Math.max(0, last);
    // A pool account went there a while after its last follow-up (or was released without one).
    // No random draws here: adding these fields left the rest of the data set unchanged.
    const pooledAt = pool ? (lastFollowUpAt === null ? Math.max(0, now - 20 * DAY) : lastFollowUpAt + 30 * DAY) : null;
    return {
      lastFollowUpAt,
      nextFollowUpAt: next === null ? null : Math.max(0, next),
      previousOwnerId: null,
      pooledAt: pooledAt === null ? null : Math.min(pooledAt, now),
      poolReason: pool ? (lastFollowUpAt === null ? 'released' : 'auto_return') : null,
      ownedSince: null,
    };
  }
}

/**
 * Streaming variant for benchmarks with 100,000 accounts: calls back in batches so memory stays flat.
 * Yields `batchSize` accounts per batch (the last may be smaller) with all their contacts.
 */
export function* generateDemoBatches(options: DemoBatchOptions): Generator<{ accounts: DemoAccount[]; contacts: DemoContact[] }> {
  const opts = normalise(options);
  const gen = new DemoGenerator(opts);
  for (let done = 0; done < opts.accounts; ) {
    const size = Math.min(opts.batchSize, opts.accounts - done);
    const accounts: DemoAccount[] = [];
    const contacts: DemoContact[] = [];
    for (let k = 0; k < size; k++) gen.next(accounts, contacts);
    done += size;
    yield { accounts, contacts };
  }
}

/** All accounts and contacts at once; the same records as the batches for the same options. */
export function generateDemoData(options: DemoDataOptions): { accounts: DemoAccount[]; contacts: DemoContact[] } {
  const accounts: DemoAccount[] = [];
  const contacts: DemoContact[] = [];
  for (const batch of generateDemoBatches({ ...options, batchSize: Math.max(1, options.accounts) })) {
    // A loop, not push(...batch): spreading 100,000 elements overflows the argument limit.
    for (const a of batch.accounts) accounts.push(a);
    for (const c of batch.contacts) contacts.push(c);
  }
  return { accounts, contacts };
}
