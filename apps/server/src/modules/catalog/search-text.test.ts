import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, TEST_BACKEND, type TestDatabase } from '../../../test/database.ts';
import { fieldTokens, MAX_QUERY_TERMS, pinyinTokens, segment, toTsQuery } from './search-text.ts';
import { matchSql, rankSql, tsvectorSql } from './search-text.sql.ts';

const MALICIOUS = [
  `'`,
  `''`,
  `"`,
  `\\`,
  `&|!():*`,
  `'); drop table docs; --`,
  `a & | b`,
  `!!!`,
  `(((`,
  `:*`,
  `空气'质量`,
  `空气&质量|监测!`,
  `kong:*qi`,
  `<->`,
  `😀🚌🌫️`,
  `\u0000\u0001`,
  `\t\n`,
  `Ｋｏｎｇ（ｑｉ）`,
  'x'.repeat(5_000),
  '空气质量监测'.repeat(2_000),
  Array.from({ length: 300 }, (_, i) => `w${i}`).join(' '),
];

describe('segment', () => {
  it('cuts Chinese search-engine style, keeps latin words lower-cased, drops punctuation', () => {
    const tokens = segment('空气质量监测（PM2.5）、GDP 2023年！');
    expect(tokens).toEqual(
      expect.arrayContaining(['空气', '质量', '空气质量', '监测', 'pm2', '5', 'gdp', '2023']),
    );
    for (const t of tokens) expect(t).toMatch(/^(\p{Script=Han}+|[a-z0-9]+)$/u);
  });

  it('returns nothing for text without words', () => {
    expect(segment('')).toEqual([]);
    expect(segment(' ，。！？…—😀 ')).toEqual([]);
  });
});

describe('pinyinTokens', () => {
  /** What a latin query word finds: it is a prefix (`kqzl:*`), so a token it starts. */
  const finds = (tokens: readonly string[], typed: string) => tokens.some((t) => t.startsWith(typed));

  it('gives full pinyin and initials from every word of a run on, and of the whole text', () => {
    const tokens = pinyinTokens('空气质量监测数据');
    expect(tokens).toEqual(
      expect.arrayContaining(['kongqizhiliangjianceshuju', 'kqzljcsj', 'zhiliangjianceshuju', 'jcsj']),
    );
    for (const typed of ['kongqi', 'kq', 'zhiliang', 'kongqizhiliang', 'kqzl', 'jiance', 'kqzljcsj'])
      expect(finds(tokens, typed), typed).toBe(true);
    for (const t of tokens) expect(t).toMatch(/^[a-z]+$/);
    expect(pinyinTokens('空气质量（小时）数据')).toContain('kqzlxssj');
  });

  it('finds words the segmenter does not know, and words inside its long words', () => {
    // ICU cuts 住房/公/积/金/缴/存/信息 and keeps 交通事故 whole.
    const gjj = pinyinTokens('个人住房公积金缴存信息');
    for (const typed of ['gongjijin', 'gjj', 'zhufanggongjijin', 'zfgjj', 'jiaocun', 'xinxi'])
      expect(finds(gjj, typed), typed).toBe(true);
    const accidents = pinyinTokens('道路交通事故统计');
    for (const typed of ['jiaotongshigu', 'jtsg', 'shigu', 'sg', 'tongji', 'daolu'])
      expect(finds(accidents, typed), typed).toBe(true);
  });

  it('reads polyphones in context', () => {
    expect(pinyinTokens('重庆市')).toEqual(expect.arrayContaining(['chongqingshi', 'cqs']));
    expect(finds(pinyinTokens('重庆市'), 'chongqing')).toBe(true);
    expect(pinyinTokens('银行')).toContain('yinhang');
    expect(pinyinTokens('行长')).toContain('hangzhang');
  });

  it('writes ü as v and u, and skips non-Chinese text', () => {
    expect(pinyinTokens('绿色')).toEqual(expect.arrayContaining(['lvse', 'luse', 'ls']));
    expect(pinyinTokens('GDP 2023')).toEqual([]);
  });

  it('keeps every token within 64 letters, also for a long run', () => {
    const tokens = pinyinTokens('城乡居民基本养老保险参保缴费信息统计数据汇总表格明细记录');
    expect(tokens.length).toBeGreaterThan(0);
    for (const t of tokens) expect(t.length).toBeLessThanOrEqual(64);
    expect(finds(tokens, 'chengxiangjumin')).toBe(true);
    expect(finds(tokens, 'yanglaobaoxian')).toBe(true);
  });
});

describe('toTsQuery', () => {
  it('requires every Chinese word, as bigrams so partial words match', () => {
    expect(toTsQuery('质量')).toBe(`'质量'`);
    expect(toTsQuery('税')).toBe(`'税':*`);
    expect(toTsQuery('交通事故')).toBe(`('交通事故' | '交通' & '通事' & '事故')`);
    // A lone character inside a longer run: the bigram with its neighbour.
    expect(toTsQuery('监测站')).toBe(`('监测站' | '监测' & '测站')`);
  });

  it('asks for adjacent words joined too, which ranks a text holding them together higher', () => {
    expect(toTsQuery('质量监测')).toBe(`('质量监测' | '质量' & '监测')`);
    expect(toTsQuery('空气质量')).toBe(`('空气质量' | '空气' & '质量')`);
    expect(toTsQuery('公民身份号码')).toBe(`('公民身份号码' | '公民' & '身份' & '号码')`);
    // Characters ICU cut a word it does not know into go back together (公/积/金, 公/交/站/点).
    expect(toTsQuery('住房公积金')).toBe(`'住房' & ('公积金' | '公积' & '积金')`);
    expect(toTsQuery('公交站点')).toBe(`'公交' & '站点'`);
  });

  it('treats latin words as pinyin / initials prefixes, also typed apart', () => {
    expect(toTsQuery('kongqi')).toBe(`'kongqi':*`);
    expect(toTsQuery('KQZL')).toBe(`'kqzl':*`);
    expect(toTsQuery('kong qi')).toBe(`('kong':* & 'qi':* | 'kongqi':*)`);
    expect(toTsQuery('空气 zhiliang')).toBe(`'空气' & 'zhiliang':*`);
  });

  it('drops one-character function words when there is more', () => {
    expect(toTsQuery('企业的登记')).toBe(`'企业' & '登记'`);
  });

  it('returns null without a usable token', () => {
    for (const q of ['', '   ', '，。！？', '😀', `'&|!():*`]) expect(toTsQuery(q)).toBeNull();
  });

  it('caps the number of terms', () => {
    const q = toTsQuery(Array.from({ length: 50 }, (_, i) => String(i)).join(' '));
    expect(q?.match(/:\*/g)?.length).toBe(MAX_QUERY_TERMS);
  });

  it('only ever emits quoted safe lexemes', () => {
    for (const q of MALICIOUS) {
      const out = toTsQuery(q);
      if (out === null) continue;
      expect(out.replace(/'(\p{Script=Han}+|[a-z0-9]+)'(:\*)?/gu, '')).toMatch(/^[\s&|()]*$/);
    }
  });
});

describe('fieldTokens', () => {
  it('indexes bigrams, the last character, long words, latin and pinyin', () => {
    const tokens = fieldTokens('生态环境监测站点');
    expect(tokens).toEqual(
      expect.arrayContaining(['生态', '态环', '测站', '站点', '点', '环境监测', 'sthjjczd']),
    );
    expect(fieldTokens('生态环境监测站点', { pinyin: false }).some((t) => /^[a-z]/.test(t))).toBe(false);
  });

  it('is fast enough to index 20,000 names', () => {
    const base = [
      '空气质量监测数据',
      '城乡居民基本养老保险参保信息',
      '市场主体登记注册信息',
      '气象观测站逐小时数据',
    ];
    const started = performance.now();
    let total = 0;
    for (let i = 0; i < 20_000; i++) total += fieldTokens(`${base[i % base.length] ?? ''}${i}`).length;
    const ms = performance.now() - started;
    console.info(
      `fieldTokens: 20,000 names in ${Math.round(ms)} ms, ${(total / 20_000).toFixed(1)} tokens/name`,
    );
    expect(ms).toBeLessThan(15_000);
  });
});

const DOCS: { id: number; name: string; keywords: string; abstract: string; department: string }[] = [
  {
    id: 1,
    name: '空气质量监测数据',
    keywords: '空气质量 AQI PM2.5',
    abstract: '全市各空气质量自动监测站点逐小时发布的污染物浓度。',
    department: '市生态环境局',
  },
  {
    id: 2,
    name: '企业登记信息',
    keywords: '企业 工商',
    abstract: '企业设立、变更、注销登记信息。',
    department: '市市场监督管理局',
  },
  {
    id: 3,
    name: '公交站点位置',
    keywords: '公交 线路',
    abstract: '全市公交线路及站点的经纬度坐标。',
    department: '市交通运输局',
  },
  {
    id: 4,
    name: '城乡居民基本养老保险参保信息',
    keywords: '社保 养老',
    abstract: '城乡居民养老保险参保登记、缴费记录。',
    department: '市人力资源和社会保障局',
  },
  {
    id: 5,
    name: '法人单位基础信息',
    keywords: '法人 统一社会信用代码',
    abstract: '法人单位名称、统一社会信用代码等基础信息。',
    department: '市市场监督管理局',
  },
  {
    id: 6,
    name: '居民身份证信息',
    keywords: '户籍 身份证',
    abstract: '居民身份证签发信息。',
    department: '市公安局',
  },
  {
    id: 7,
    name: '医疗机构执业许可信息',
    keywords: '医院 诊所',
    abstract: '医疗机构执业许可证核发信息。',
    department: '市卫生健康委员会',
  },
  {
    id: 8,
    name: '气象观测站逐小时数据',
    keywords: '气温 降水 风速',
    abstract: '自动气象观测站的逐小时观测要素。',
    department: '市气象局',
  },
  {
    id: 9,
    name: '学校名录',
    keywords: '中小学 幼儿园',
    abstract: '全市各级各类学校名称、地址。',
    department: '市教育局',
  },
  {
    id: 10,
    name: '市场主体登记注册信息',
    keywords: '个体工商户 企业',
    abstract: '市场主体的登记注册与年报信息。',
    department: '市市场监督管理局',
  },
  {
    id: 11,
    name: '道路运输经营许可',
    keywords: '客运 货运',
    abstract: '道路运输经营许可证信息。',
    department: '市交通运输局',
  },
  {
    id: 12,
    name: '生态环境监测站点',
    keywords: '监测点位',
    abstract: '各类生态环境监测点的位置与类型。',
    department: '市生态环境局',
  },
  {
    id: 13,
    name: '空气净化设备采购目录',
    keywords: '政府采购',
    abstract: '政府采购的净化设备清单。',
    department: '市财政局',
  },
  {
    id: 14,
    name: '水质监测数据',
    keywords: '地表水 饮用水',
    abstract: '河流断面水质自动监测结果。',
    department: '市生态环境局',
  },
  {
    id: 15,
    name: '企业社会保险缴费信息',
    keywords: '社保 缴费',
    abstract: '参保企业社会保险费缴纳情况。',
    department: '市税务局',
  },
  {
    id: 16,
    name: '地铁站点出入口',
    keywords: '轨道交通',
    abstract: '地铁车站出入口位置。',
    department: '市交通运输局',
  },
  {
    id: 17,
    name: '重庆市公共交通客流统计',
    keywords: '客流',
    abstract: '公交与轨道交通日客流量。',
    department: '市交通运输局',
  },
  {
    id: 18,
    name: '个人住房公积金缴存信息',
    keywords: '公积金 缴存',
    abstract: '职工个人住房公积金的缴存基数、比例和余额。',
    department: '市住房公积金管理中心',
  },
  {
    id: 19,
    name: '中小学校基本信息',
    keywords: '学校 基础教育',
    abstract: '全市中小学校的名称、学段、地址。',
    department: '市教育局',
  },
  {
    id: 20,
    name: '银行网点分布',
    keywords: '金融 网点',
    abstract: '各商业银行营业网点的位置。',
    department: '市地方金融监督管理局',
  },
  {
    id: 21,
    name: '道路交通事故统计数据',
    keywords: '交通事故 统计',
    abstract: '全市道路交通事故起数和伤亡人数。',
    department: '市公安局',
  },
];

const byName = new Map(DOCS.map((d) => [d.name, d.id]));

describe(`search on ${TEST_BACKEND}`, () => {
  let tdb: TestDatabase;

  beforeAll(async () => {
    tdb = await createTestDatabase();
    const { db } = tdb.handle;
    await sql`create table docs (id int primary key, name text not null, search tsvector not null)`.execute(
      db,
    );
    await sql`create index docs_search_idx on docs using gin (search)`.execute(db);
    for (const d of DOCS) {
      const search = tsvectorSql([
        { text: d.name, weight: 'A' },
        { text: d.keywords, weight: 'B' },
        { text: d.abstract, weight: 'C', pinyin: false },
        { text: d.department, weight: 'D' },
      ]);
      await sql`insert into docs (id, name, search) values (${d.id}, ${d.name}, ${search})`.execute(db);
    }
  });

  afterAll(async () => {
    await tdb.drop();
  });

  async function search(query: string): Promise<{ id: number; name: string; rank: number }[]> {
    const q = toTsQuery(query);
    if (q === null) return [];
    const { rows } = await sql<{ id: number; name: string; rank: number }>`
      select id, name, ${rankSql('search', q)} as rank from docs
      where ${matchSql('search', q)} order by rank desc, id`.execute(tdb.handle.db);
    return rows;
  }

  it('keeps every token one lexeme', async () => {
    const text =
      '重庆市公交站点位置（2023年）GDP、PM2.5 ｆｕｌｌ－ｗｉｄｔｈ e10 1e10 𠀀字 café Ω 😀 \'";:&|!';
    const tokens = fieldTokens(text);
    const { rows } = await sql<{ n: number }>`
      select cardinality(tsvector_to_array(to_tsvector('simple', ${tokens.join(' ')}))) as n`.execute(
      tdb.handle.db,
    );
    expect(rows[0]?.n).toBe(tokens.length);
  });

  it.each([
    ['空气质量', '空气质量监测数据'],
    ['空气', '空气质量监测数据'],
    ['质量', '空气质量监测数据'],
    ['质量监测', '空气质量监测数据'],
    ['kongqi', '空气质量监测数据'],
    ['kong', '空气质量监测数据'],
    ['kong qi', '空气质量监测数据'],
    ['kqzl', '空气质量监测数据'],
    ['kongqizhiliang', '空气质量监测数据'],
    ['空气 zhiliang', '空气质量监测数据'],
    ['企业登记', '企业登记信息'],
    ['qiye', '企业登记信息'],
    ['养老保险', '城乡居民基本养老保险参保信息'],
    ['yanglao', '城乡居民基本养老保险参保信息'],
    ['公交', '公交站点位置'],
    ['gongjiao', '公交站点位置'],
    ['站点', '公交站点位置'],
    ['站点', '生态环境监测站点'],
    ['监测站', '生态环境监测站点'],
    ['监测站点', '生态环境监测站点'],
    ['观测站', '气象观测站逐小时数据'],
    ['许可', '道路运输经营许可'],
    ['chongqing', '重庆市公共交通客流统计'],
    ['身份证', '居民身份证信息'],
    ['公积金', '个人住房公积金缴存信息'],
    ['住房公积金', '个人住房公积金缴存信息'],
    ['gongjijin', '个人住房公积金缴存信息'],
    ['gjj', '个人住房公积金缴存信息'],
    ['zhufanggongjijin', '个人住房公积金缴存信息'],
    ['中小学', '中小学校基本信息'],
    ['小学', '中小学校基本信息'],
    ['学校', '中小学校基本信息'],
    ['zhongxiaoxue', '中小学校基本信息'],
    ['zxx', '中小学校基本信息'],
    ['yinhang', '银行网点分布'],
    ['事故', '道路交通事故统计数据'],
    ['shigu', '道路交通事故统计数据'],
    ['jtsg', '道路交通事故统计数据'],
  ])('%s finds %s in the top 3', async (query, expected) => {
    const ids = (await search(query)).slice(0, 3).map((r) => r.id);
    expect(ids).toContain(byName.get(expected));
  });

  it('ranks a hit in the name above one in the abstract', async () => {
    const rows = await search('站点');
    const rank = (name: string) => rows.find((r) => r.id === byName.get(name))?.rank ?? -1;
    expect(rank('公交站点位置')).toBeGreaterThan(rank('空气质量监测数据'));
    expect(rank('空气质量监测数据')).toBeGreaterThan(0);
    expect(rows[0]?.id).not.toBe(byName.get('空气质量监测数据'));
  });

  it('does not match across words that are not in the text', async () => {
    expect((await search('质量')).map((r) => r.id)).not.toContain(byName.get('水质监测数据'));
    expect((await search('监测站')).map((r) => r.id)).not.toContain(byName.get('水质监测数据'));
  });

  it('finds nothing for nonsense', async () => {
    expect(await search('量子纠缠')).toEqual([]);
    expect(await search('xyzzyq')).toEqual([]);
  });

  it('does not throw on malicious queries', async () => {
    for (const q of MALICIOUS) await expect(search(q)).resolves.toBeInstanceOf(Array);
    const { rows } = await sql<{ n: number }>`select count(*) as n from docs`.execute(tdb.handle.db);
    expect(rows[0]?.n).toBe(DOCS.length);
  });
});
