import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, orgIdByName, signIn, type Session, type TestApp } from '../../../test/app.ts';
import { item, metadata } from '../../../test/catalog.ts';
import type { EntryMetadata } from './catalog.model.ts';

let t: TestApp;
const s: Record<string, Session> = {};
let privacyBasis = '';
let statisticsBasis = '';

interface Entry {
  id: string;
  code: string | null;
  published: { versionNo: number; state: string; metadata: EntryMetadata } | null;
  working: {
    versionNo: number;
    state: string;
    reviewComment: string | null;
    fieldComments: Record<string, string> | null;
  } | null;
}

async function create(who: string, m: EntryMetadata): Promise<Entry> {
  const res = await s[who]?.request('POST', '/api/catalog/entries', m);
  expect(res?.statusCode, res?.body).toBe(201);
  return res?.json() as Entry;
}

async function publish(
  who: string,
  m: EntryMetadata,
  reviewer = 'reviewer',
  justification?: string,
): Promise<Entry> {
  const e = await create(who, m);
  const sub = await s[who]?.request(
    'POST',
    `/api/catalog/entries/${e.id}/submit`,
    justification ? { duplicateJustification: justification } : {},
  );
  expect(sub?.statusCode, sub?.body).toBe(200);
  const ok = await s[reviewer]?.request('POST', `/api/catalog/entries/${e.id}/review`, {
    decision: 'approve',
  });
  expect(ok?.statusCode, ok?.body).toBe(200);
  return ok?.json() as Entry;
}

beforeAll(async () => {
  t = await buildTestApp();
  for (const u of [
    'admin',
    'reviewer',
    'heping.reviewer',
    'hunnan.reviewer',
    'scjg.cataloguer',
    'gongan.cataloguer',
    'gongan.user',
    'hunnan.jy.cataloguer',
    'tj.cataloguer',
  ]) {
    s[u] = await signIn(t.app, u);
  }
  const basis = async (title: string, article: string, quote: string) => {
    const res = await s.reviewer?.request('POST', '/api/catalog/legal-bases', {
      title,
      kind: 'law',
      article,
      quote,
    });
    expect(res?.statusCode, res?.body).toBe(201);
    return (res?.json() as { id: string }).id;
  };
  privacyBasis = await basis(
    '中华人民共和国个人信息保护法',
    '第二十八条',
    '敏感个人信息是一旦泄露或者非法使用……',
  );
  statisticsBasis = await basis(
    '中华人民共和国统计法',
    '第三十九条',
    '统计机构和统计人员对在统计工作中知悉的国家秘密……应当予以保密。',
  );
});
afterAll(async () => {
  await t?.close();
});

describe('legal-basis library', () => {
  it('is kept by the city authority and refuses duplicates', async () => {
    const dup = await s.admin?.request('POST', '/api/catalog/legal-bases', {
      title: '中华人民共和国统计法',
      kind: 'law',
      article: '第三十九条',
      quote: 'x',
    });
    expect(dup?.statusCode).toBe(400);
    const list = await s['scjg.cataloguer']?.request('GET', '/api/catalog/legal-bases');
    expect((list?.json() as { items: { title: string }[] }).items.map((b) => b.title)).toContain(
      '中华人民共和国统计法',
    );
  });
});

describe('review workflow', () => {
  it('drafts, is returned with field comments, fixed, resubmitted, approved and published with a code', async () => {
    const draft = await create(
      'scjg.cataloguer',
      metadata({ shareType: 'conditional', shareCondition: '仅限监管执法使用' }),
    );
    expect(draft.code).toBeNull();
    expect(draft.working).toMatchObject({ versionNo: 1, state: 'draft' });

    // Conditional sharing without a legal basis cannot be submitted (Art. 18); nothing changes.
    const refused = await s['scjg.cataloguer']?.request(
      'POST',
      `/api/catalog/entries/${draft.id}/submit`,
      {},
    );
    expect(refused?.statusCode).toBe(400);
    expect(refused?.json().fields.map((f: { field: string }) => f.field)).toContain('shareBasisIds');
    expect(refused?.json().message.zh).toContain('第十八条');
    let now = (
      await s['scjg.cataloguer']?.request('GET', `/api/catalog/entries/${draft.id}`)
    )?.json() as Entry;
    expect(now.working?.state).toBe('draft');

    const fixed = await s['scjg.cataloguer']?.request(
      'PUT',
      `/api/catalog/entries/${draft.id}/draft`,
      metadata({
        shareType: 'conditional',
        shareCondition: '仅限监管执法使用',
        shareBasisIds: [statisticsBasis],
      }),
    );
    expect(fixed?.statusCode, fixed?.body).toBe(200);
    expect(
      (await s['scjg.cataloguer']?.request('POST', `/api/catalog/entries/${draft.id}/submit`, {}))
        ?.statusCode,
    ).toBe(200);

    // The reviewer is told, and finds it in the queue.
    const inbox = (await s.reviewer?.request('GET', '/api/notifications?unread=true'))?.json() as {
      items: { kind: string; title: { zh: string }; id: string }[];
      unread: number;
    };
    expect(
      inbox.items.some((n) => n.kind === 'catalog.submitted' && n.title.zh.includes('食品经营许可信息')),
    ).toBe(true);
    const queue = (await s.reviewer?.request('GET', '/api/catalog/review-queue'))?.json() as {
      items: { entryId: string }[];
    };
    expect(queue.items.map((q) => q.entryId)).toContain(draft.id);

    // Returning needs a reason.
    expect(
      (await s.reviewer?.request('POST', `/api/catalog/entries/${draft.id}/review`, { decision: 'return' }))
        ?.statusCode,
    ).toBe(400);
    const returned = await s.reviewer?.request('POST', `/api/catalog/entries/${draft.id}/review`, {
      decision: 'return',
      comment: '请补充数据项说明',
      fieldComments: { abstract: '摘要应写明数据覆盖的时间范围' },
    });
    expect(returned?.statusCode).toBe(200);
    now = returned?.json() as Entry;
    expect(now.working).toMatchObject({ state: 'returned', reviewComment: '请补充数据项说明' });
    expect(now.working?.fieldComments).toEqual({ abstract: '摘要应写明数据覆盖的时间范围' });
    const catInbox = (await s['scjg.cataloguer']?.request('GET', '/api/notifications'))?.json() as {
      items: { kind: string }[];
    };
    expect(catInbox.items.map((n) => n.kind)).toContain('catalog.returned');

    await s['scjg.cataloguer']?.request(
      'PUT',
      `/api/catalog/entries/${draft.id}/draft`,
      metadata({
        abstract: '2015 年以来本市食品经营许可证的发证、变更和注销信息。',
        shareType: 'conditional',
        shareCondition: '仅限监管执法使用',
        shareBasisIds: [statisticsBasis],
      }),
    );
    expect(
      (await s['scjg.cataloguer']?.request('POST', `/api/catalog/entries/${draft.id}/submit`, {}))
        ?.statusCode,
    ).toBe(200);
    const approved = await s.reviewer?.request('POST', `/api/catalog/entries/${draft.id}/review`, {
      decision: 'approve',
    });
    expect(approved?.statusCode).toBe(200);
    now = approved?.json() as Entry;
    expect(now.code).toMatch(/^3210100\/\d{6}$/);
    expect(now.published).toMatchObject({ versionNo: 1, state: 'published' });
    expect(now.working).toBeNull();
    const audit = await t.app.db
      .selectFrom('audit_log')
      .select('action')
      .where('target_id', '=', draft.id)
      .orderBy('seq')
      .execute();
    expect(audit.map((a) => a.action)).toEqual([
      'catalog.create',
      'catalog.update_draft',
      'catalog.submit',
      'catalog.return',
      'catalog.update_draft',
      'catalog.submit',
      'catalog.approve',
    ]);
  });

  it('refuses base resources that are not shared unconditionally (Art. 19) and restricted opening without a basis (Art. 27)', async () => {
    const e = await create(
      'gongan.cataloguer',
      metadata({
        name: '流动人口登记信息',
        classification: 'base',
        baseKind: 'population',
        shareType: 'conditional',
        shareCondition: 'x',
        shareBasisIds: [privacyBasis],
        openType: 'closed',
      }),
    );
    const res = await s['gongan.cataloguer']?.request('POST', `/api/catalog/entries/${e.id}/submit`, {});
    expect(res?.statusCode).toBe(400);
    const fields = res?.json().fields.map((f: { field: string }) => f.field);
    expect(fields).toEqual(expect.arrayContaining(['shareType', 'openBasisIds']));
  });

  it('keeps reviews with the responsible authority and never with the own organisation', async () => {
    const city = await create('tj.cataloguer', metadata({ name: '统计年鉴数据' }));
    expect(
      (await s['tj.cataloguer']?.request('POST', `/api/catalog/entries/${city.id}/submit`, {}))?.statusCode,
    ).toBe(200);
    // A district reviewer does not review a city department.
    const district = await s['heping.reviewer']?.request('POST', `/api/catalog/entries/${city.id}/review`, {
      decision: 'approve',
    });
    expect([403, 404]).toContain(district?.statusCode);
    // A district department's entry goes to its own district authority, not the city's or another district's.
    const school = await create(
      'hunnan.jy.cataloguer',
      metadata({ name: '浑南区中小学校名录', domains: ['教育'] }),
    );
    expect(
      (await s['hunnan.jy.cataloguer']?.request('POST', `/api/catalog/entries/${school.id}/submit`, {}))
        ?.statusCode,
    ).toBe(200);
    expect([403, 404]).toContain(
      (await s.reviewer?.request('POST', `/api/catalog/entries/${school.id}/review`, { decision: 'approve' }))
        ?.statusCode,
    );
    expect([403, 404]).toContain(
      (
        await s['heping.reviewer']?.request('POST', `/api/catalog/entries/${school.id}/review`, {
          decision: 'approve',
        })
      )?.statusCode,
    );
    // The entry tells each caller what it may do (the policy decides; the web shows buttons by it).
    const actionsFor = async (u: string) =>
      ((await s[u]?.request('GET', `/api/catalog/entries/${school.id}`))?.json() as { actions: string[] })
        .actions;
    expect(await actionsFor('hunnan.reviewer')).toEqual(['review']);
    expect(await actionsFor('hunnan.jy.cataloguer')).toEqual(['edit']);
    expect((await s.reviewer?.request('GET', `/api/catalog/entries/${school.id}`))?.statusCode).toBe(404);
    const ok = await s['hunnan.reviewer']?.request('POST', `/api/catalog/entries/${school.id}/review`, {
      decision: 'approve',
    });
    expect(ok?.statusCode).toBe(200);
    expect((ok?.json() as Entry).code).toMatch(/^3210112\//);
    // Another department's cataloguer can neither edit nor see a draft.
    const other = await create('scjg.cataloguer', metadata({ name: '广告监测信息' }));
    expect(
      (await s['gongan.cataloguer']?.request('PUT', `/api/catalog/entries/${other.id}/draft`, metadata()))
        ?.statusCode,
    ).toBe(404);
    expect((await s['gongan.user']?.request('GET', `/api/catalog/entries/${other.id}`))?.statusCode).toBe(
      404,
    );
  });
});

describe('versions', () => {
  it('keeps the published version in force while a change is reviewed, and shows a readable diff', async () => {
    const e = await publish(
      'scjg.cataloguer',
      metadata({ name: '特种设备登记信息', domains: ['企业登记监管'] }),
    );
    const code = e.code;
    const revised = await s['scjg.cataloguer']?.request('POST', `/api/catalog/entries/${e.id}/revise`);
    expect(revised?.statusCode).toBe(200);
    const changed = metadata({
      name: '特种设备使用登记信息',
      domains: ['企业登记监管'],
      dataItems: [...metadata({ name: '特种设备登记信息' }).dataItems, item('device_type', '设备类别')],
      updateCycle: 'weekly',
    });
    await s['scjg.cataloguer']?.request('PUT', `/api/catalog/entries/${e.id}/draft`, changed);
    await s['scjg.cataloguer']?.request('POST', `/api/catalog/entries/${e.id}/submit`, {});
    // Others still see version 1 only.
    const outside = (await s['gongan.user']?.request('GET', `/api/catalog/entries/${e.id}`))?.json() as Entry;
    expect(outside.published?.metadata.name).toBe('特种设备登记信息');
    expect(outside.working).toBeNull();
    await s.reviewer?.request('POST', `/api/catalog/entries/${e.id}/review`, { decision: 'approve' });
    const after = (await s['gongan.user']?.request('GET', `/api/catalog/entries/${e.id}`))?.json() as Entry;
    expect(after.published).toMatchObject({ versionNo: 2 });
    expect(after.code).toBe(code);
    const history = (
      await s['gongan.user']?.request('GET', `/api/catalog/entries/${e.id}/versions`)
    )?.json() as {
      items: { versionNo: number; state: string }[];
    };
    expect(history.items.map((v) => [v.versionNo, v.state])).toEqual([
      [2, 'published'],
      [1, 'superseded'],
    ]);
    const diff = (
      await s['gongan.user']?.request('GET', `/api/catalog/entries/${e.id}/diff?from=1&to=2`)
    )?.json() as {
      fields: { field: string; before: unknown; after: unknown }[];
      items: { added: { name: string }[] };
    };
    expect(diff.fields).toEqual(
      expect.arrayContaining([
        { field: 'name', before: '特种设备登记信息', after: '特种设备使用登记信息' },
        { field: 'updateCycle', before: 'daily', after: 'weekly' },
      ]),
    );
    expect(diff.items.added.map((d) => d.name)).toEqual(['device_type']);
  });

  it('does not let the classification change after publication (the code is fixed)', async () => {
    const e = await publish('scjg.cataloguer', metadata({ name: '计量器具检定信息' }));
    await s['scjg.cataloguer']?.request('POST', `/api/catalog/entries/${e.id}/revise`);
    const res = await s['scjg.cataloguer']?.request(
      'PUT',
      `/api/catalog/entries/${e.id}/draft`,
      metadata({
        name: '计量器具检定信息',
        classification: 'topic',
        category: { l1: '主题', l2: '营商环境', l3: null, l4: null },
      }),
    );
    expect(res?.statusCode).toBe(400);
    expect(res?.json().fields[0].field).toBe('classification');
  });
});

describe('no duplicate collection (Art. 14)', () => {
  it('names the department that already provides an item and asks for a justification', async () => {
    await publish(
      'gongan.cataloguer',
      metadata({
        name: '常住人口信息',
        classification: 'base',
        baseKind: 'population',
        openType: 'closed',
        openBasisIds: [privacyBasis],
        dataItems: [
          item('id_number', '公民身份号码', { dataType: 'id_number', sensitivity: 4 }),
          item('person_name', '姓名', { sensitivity: 3 }),
        ],
      }),
    );
    const check = await s['scjg.cataloguer']?.request('POST', '/api/catalog/duplicate-check', {
      dataItems: [{ label: '身份证号码' }, { label: '许可证编号' }],
    });
    const holders = (check?.json() as { items: { name: string; orgName: string; label: string }[] }).items;
    expect(holders).toContainEqual(
      expect.objectContaining({ name: '常住人口信息', orgName: '沈阳市公安局', label: '公民身份号码' }),
    );

    const e = await create(
      'scjg.cataloguer',
      metadata({
        name: '个体工商户经营者信息',
        openType: 'closed',
        openBasisIds: [privacyBasis],
        dataItems: [
          item('operator_id', '身份证号码', { dataType: 'id_number', sensitivity: 4 }),
          item('shop_name', '字号名称'),
        ],
      }),
    );
    const refused = await s['scjg.cataloguer']?.request('POST', `/api/catalog/entries/${e.id}/submit`, {});
    expect(refused?.statusCode).toBe(400);
    expect(refused?.json().code).toBe('duplicate_justification_required');
    expect(refused?.json().message.zh).toContain('沈阳市公安局');
    expect(refused?.json().duplicates).toContainEqual({
      label: '公民身份号码',
      name: '常住人口信息',
      orgName: '沈阳市公安局',
    });
    const ok = await s['scjg.cataloguer']?.request('POST', `/api/catalog/entries/${e.id}/submit`, {
      duplicateJustification: '个体工商户登记须核验经营者身份，依据《市场主体登记管理条例》',
    });
    expect(ok?.statusCode).toBe(200);
    const queue = (await s.reviewer?.request('GET', '/api/catalog/review-queue'))?.json() as {
      items: { entryId: string; duplicateJustification: string | null }[];
    };
    expect(queue.items.find((q) => q.entryId === e.id)?.duplicateJustification).toContain('核验经营者身份');
  });
});

describe('search and the open catalog', () => {
  it('finds published entries by Chinese words and pinyin, with facets; the public sees only the open catalog', async () => {
    await publish('scjg.cataloguer', metadata({ name: '空气质量投诉处理信息', keywords: ['空气', '投诉'] }));
    await publish(
      'gongan.cataloguer',
      metadata({
        name: '机动车驾驶人信息',
        openType: 'closed',
        openBasisIds: [privacyBasis],
        domains: ['交通'],
        keywords: ['驾驶人'],
      }),
    );
    const find = async (who: Session | undefined, url: string) =>
      (await who?.request('GET', url))?.json() as {
        items: { name: string; openType: string }[];
        facets: Record<string, { value: string; count: number }[]>;
      };
    const byWord = await find(s['gongan.user'], `/api/catalog/entries?q=${encodeURIComponent('空气质量')}`);
    expect(byWord.items[0]?.name).toBe('空气质量投诉处理信息');
    const byPinyin = await find(s['gongan.user'], '/api/catalog/entries?q=kqzl');
    expect(byPinyin.items.map((i) => i.name)).toContain('空气质量投诉处理信息');
    const facets = await find(s['gongan.user'], '/api/catalog/entries?pageSize=1');
    expect(facets.facets.openType?.find((f) => f.value === 'closed')?.count).toBeGreaterThanOrEqual(1);
    expect(facets.facets.org?.length).toBeGreaterThanOrEqual(2);
    const filtered = await find(
      s['gongan.user'],
      `/api/catalog/entries?domain=${encodeURIComponent('交通')}`,
    );
    expect(filtered.items.map((i) => i.name)).toEqual(['机动车驾驶人信息']);

    const anonymous = await t.app.inject({
      method: 'GET',
      url: `/api/open/catalog?q=${encodeURIComponent('驾驶人')}`,
    });
    expect(anonymous.statusCode).toBe(200);
    expect((anonymous.json() as { total: number }).total).toBe(0);
    const open = await t.app.inject({
      method: 'GET',
      url: `/api/open/catalog?q=${encodeURIComponent('空气')}`,
    });
    expect((open.json() as { items: { name: string }[] }).items.map((i) => i.name)).toContain(
      '空气质量投诉处理信息',
    );
    // Drafts are in no catalog.
    await create('scjg.cataloguer', metadata({ name: '尚未提交的草稿目录' }));
    const draft = await t.app.inject({
      method: 'GET',
      url: `/api/open/catalog?q=${encodeURIComponent('草稿')}`,
    });
    expect((draft.json() as { total: number }).total).toBe(0);
  });

  it('lists the public bases of restricted opening (Art. 27)', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/open/restrictions' });
    expect(res.statusCode).toBe(200);
    const items = (
      res.json() as {
        items: { name: string; openType: string; bases: { title: string; article: string }[] }[];
      }
    ).items;
    const driver = items.find((i) => i.name === '机动车驾驶人信息');
    expect(driver?.openType).toBe('closed');
    expect(driver?.bases).toEqual([
      expect.objectContaining({ title: '中华人民共和国个人信息保护法', article: '第二十八条' }),
    ]);
  });

  it('shows the public one open resource with its data items, and nothing that is not open', async () => {
    const open = await publish(
      'scjg.cataloguer',
      metadata({
        name: '药品零售企业名录',
        openType: 'on_application',
        openCondition: '用于学术研究的，经申请后提供',
        openBasisIds: [privacyBasis],
        shareType: 'conditional',
        shareCondition: '仅限药品监管执法使用',
        shareBasisIds: [statisticsBasis],
      }),
    );
    const res = await t.app.inject({ method: 'GET', url: `/api/open/catalog/${open.id}` });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as Record<string, unknown>;
    expect(body).toMatchObject({
      id: open.id,
      code: open.code,
      name: '药品零售企业名录',
      orgName: '沈阳市市场监督管理局',
      openType: 'on_application',
      openCondition: '用于学术研究的，经申请后提供',
      openBases: [expect.objectContaining({ title: '中华人民共和国个人信息保护法' })],
      dataItems: [
        expect.objectContaining({ name: 'record_no', label: '药品零售企业名录编号' }),
        expect.objectContaining({ name: 'record_date', dataType: 'date' }),
      ],
      versionNo: 1,
    });
    // How departments share it is not the public's business.
    expect(JSON.stringify(body)).not.toContain('仅限药品监管执法使用');
    expect(body).not.toHaveProperty('shareType');

    const closed = await publish(
      'gongan.cataloguer',
      metadata({ name: '看守所在押人员信息', openType: 'closed', openBasisIds: [privacyBasis] }),
    );
    const draft = await create('scjg.cataloguer', metadata({ name: '未发布的开放目录草稿' }));
    for (const id of [closed.id, draft.id, '00000000-0000-4000-8000-000000000000']) {
      const hidden = await t.app.inject({ method: 'GET', url: `/api/open/catalog/${id}` });
      expect(hidden.statusCode, id).toBe(404);
      expect(hidden.json()).toMatchObject({ code: 'not_found' });
    }
    expect((await t.app.inject({ method: 'GET', url: '/api/open/catalog/not-a-uuid' })).statusCode).toBe(400);
  });
});

describe('the responsible authority of a district without one', () => {
  it('is the city authority: its reviewers see the submission in their queue and review it', async () => {
    const hunnan = await orgIdByName(t.app, '沈阳市浑南区大数据管理局');
    const entry = await create(
      'hunnan.jy.cataloguer',
      metadata({ name: '浑南区校车线路', domains: ['教育'] }),
    );
    expect(
      (await s['hunnan.jy.cataloguer']?.request('POST', `/api/catalog/entries/${entry.id}/submit`, {}))
        ?.statusCode,
    ).toBe(200);
    const queued = async (u: string) =>
      (
        (await s[u]?.request('GET', '/api/catalog/review-queue'))?.json() as { items: { entryId: string }[] }
      ).items.some((i) => i.entryId === entry.id);
    expect(await queued('hunnan.reviewer')).toBe(true);
    expect(await queued('reviewer')).toBe(false);
    const off = await s.admin?.request('PATCH', `/api/organisations/${hunnan}`, { active: false });
    expect(off?.statusCode, off?.body).toBe(200);
    try {
      expect(await queued('reviewer')).toBe(true);
      expect(await queued('heping.reviewer')).toBe(false);
      const ok = await s.reviewer?.request('POST', `/api/catalog/entries/${entry.id}/review`, {
        decision: 'approve',
      });
      expect(ok?.statusCode, ok?.body).toBe(200);
      expect((ok?.json() as Entry).published?.state).toBe('published');
      // A submission made while the district has no authority is brought to the city's reviewers.
      const late = await create(
        'hunnan.jy.cataloguer',
        metadata({ name: '浑南区学区划分', domains: ['教育'] }),
      );
      expect(
        (await s['hunnan.jy.cataloguer']?.request('POST', `/api/catalog/entries/${late.id}/submit`, {}))
          ?.statusCode,
      ).toBe(200);
      const inbox = (await s.reviewer?.request('GET', '/api/notifications?limit=200'))?.json() as {
        items: { kind: string; link: string | null }[];
      };
      expect(inbox.items.some((n) => n.kind === 'catalog.submitted' && n.link?.endsWith(late.id))).toBe(true);
    } finally {
      const on = await s.admin?.request('PATCH', `/api/organisations/${hunnan}`, { active: true });
      expect(on?.statusCode, on?.body).toBe(200);
    }
  });
});
