/**
 * Every demo role signs in through the UI, sees the navigation its role allows (and not the rest),
 * and signs out. Anonymous visitors and public accounts cannot enter the workspace.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, newPage, signInThroughUi } from './support/browser.ts';

const ADMIN_ITEMS = ['nav-organisations', 'nav-divisions', 'nav-accounts'];
const ALL_ITEMS = [...ADMIN_ITEMS, 'nav-credentials', 'nav-audit', 'nav-roles', 'nav-calendar'];

const CASES: { username: string; role: string; org: string; visible: string[] }[] = [
  {
    username: 'admin',
    role: '平台管理员',
    org: '沈阳市大数据管理局',
    visible: [...ADMIN_ITEMS, 'nav-credentials', 'nav-roles', 'nav-calendar'],
  },
  {
    username: 'heping.admin',
    role: '平台管理员',
    org: '沈阳市和平区大数据管理局',
    visible: [...ADMIN_ITEMS, 'nav-credentials', 'nav-roles', 'nav-calendar'],
  },
  { username: 'reviewer', role: '审核员', org: '沈阳市大数据管理局', visible: ['nav-roles', 'nav-calendar'] },
  {
    username: 'auditor',
    role: '审计员',
    org: '沈阳市大数据管理局',
    visible: ['nav-audit', 'nav-roles', 'nav-calendar'],
  },
  {
    username: 'scjg.cataloguer',
    role: '编目员',
    org: '沈阳市市场监督管理局',
    visible: ['nav-roles', 'nav-calendar'],
  },
  {
    username: 'scjg.provider',
    role: '数据员',
    org: '沈阳市市场监督管理局',
    visible: ['nav-roles', 'nav-calendar'],
  },
  {
    username: 'scjg.approver',
    role: '审批人',
    org: '沈阳市市场监督管理局',
    visible: ['nav-roles', 'nav-calendar'],
  },
  {
    username: 'scjg.user',
    role: '使用人',
    org: '沈阳市市场监督管理局',
    visible: ['nav-roles', 'nav-calendar'],
  },
  {
    username: 'scjg.security',
    role: '安全管理负责人',
    org: '沈阳市市场监督管理局',
    visible: ['nav-credentials', 'nav-roles', 'nav-calendar'],
  },
  {
    username: 'scjg.auditor',
    role: '审计员',
    org: '沈阳市市场监督管理局',
    visible: ['nav-audit', 'nav-roles', 'nav-calendar'],
  },
  {
    username: 'water.cataloguer',
    role: '编目员',
    org: '沈阳水务集团有限公司',
    visible: ['nav-roles', 'nav-calendar'],
  },
  {
    username: 'evaluator',
    role: '评估员',
    org: '沈阳数治评估咨询有限公司',
    visible: ['nav-roles', 'nav-calendar'],
  },
];

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

describe('signing in as each demo role', () => {
  for (const c of CASES) {
    it(`${c.username} (${c.role}) sees the right navigation and signs out`, async () => {
      const { context, page } = await newPage(browser);
      try {
        await signInThroughUi(page, c.username);
        await page.waitForURL(/\/workspace/);
        await expect.poll(() => page.getByTestId('topbar-org').textContent()).toContain(c.org);
        expect(await page.getByTestId('topbar-roles').textContent()).toContain(c.role);
        // The navigation for the parts to come is there for everyone.
        expect(await page.getByTestId('nav-catalog-entries').isVisible()).toBe(true);
        for (const item of ALL_ITEMS) {
          const visible = await page.getByTestId(item).isVisible();
          expect(visible, `${item} for ${c.username}`).toBe(c.visible.includes(item));
        }
        await page.getByTestId('sign-out-button').click();
        await page.waitForURL(/\/sign-in/);
        // The session is gone on the server too.
        const me = await page.request.get('/api/auth/me');
        expect(me.status()).toBe(401);
      } finally {
        await context.close();
      }
    });
  }

  it('an administrator who types the audit URL is refused, on the page and by the API', async () => {
    const { context, page } = await newPage(browser);
    try {
      await signInThroughUi(page, 'admin');
      await page.waitForURL(/\/workspace/);
      await page.goto('/workspace/admin/audit');
      await page.getByTestId('forbidden').waitFor();
      const api = await page.request.get('/api/audit');
      expect(api.status()).toBe(403);
    } finally {
      await context.close();
    }
  });

  it('a wrong password shows the server message and does not sign in', async () => {
    const { context, page } = await newPage(browser);
    try {
      await signInThroughUi(page, 'scjg.user', 'wrong-password');
      await expect.poll(() => page.getByTestId('sign-in-error').textContent()).toContain('用户名或密码错误');
      expect(new URL(page.url()).pathname).toBe('/sign-in');
    } finally {
      await context.close();
    }
  });

  it('anonymous visitors and public accounts cannot enter the workspace', async () => {
    const { context, page } = await newPage(browser);
    try {
      await page.goto('/workspace/admin/organisations');
      await page.waitForURL(/\/sign-in/);
      await signInThroughUi(page, 'citizen');
      await page.waitForURL((url) => url.pathname === '/');
      await page.goto('/workspace');
      await page.getByTestId('staff-only').waitFor();
      expect((await page.request.get('/api/organisations')).status()).toBe(403);
    } finally {
      await context.close();
    }
  });
});
