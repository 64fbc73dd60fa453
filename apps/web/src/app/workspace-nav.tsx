import {
  ApiOutlined,
  ApartmentOutlined,
  AuditOutlined,
  BarChartOutlined,
  BookOutlined,
  CalendarOutlined,
  CloudUploadOutlined,
  EnvironmentOutlined,
  FileSearchOutlined,
  GlobalOutlined,
  HistoryOutlined,
  HomeOutlined,
  IdcardOutlined,
  KeyOutlined,
  SafetyCertificateOutlined,
  ProfileOutlined,
  ScheduleOutlined,
  ShareAltOutlined,
  TeamOutlined,
} from '@ant-design/icons';
import type { ReactNode } from 'react';
import { useLocation } from 'react-router';
import type { MeAccount } from '@huitong/contract/org';
import { hasCapability, isCityAdmin } from '../features/auth/auth-api';
import { canReviewCatalog, canSeeUpkeep, isDepartmentStaff } from '../features/catalog/catalog-access';
import { canSeeOwnData } from '../features/provision/provision-access';
import { canSeeQuality } from '../features/provision/quality-api';
import type { MessageKey } from '../i18n/zh-CN';

export type NavItem = {
  /** Also the menu key and the `nav-<key>` test id. */
  key: string;
  path: string;
  label: MessageKey;
  icon: ReactNode;
  /** Who sees it; everyone on staff when absent. */
  allow?: (account: MeAccount) => boolean;
  /** False for parts that come in a later release (they open the placeholder page). */
  ready: boolean;
  /** Further path prefixes that belong to this item (e.g. the editor belongs to 我的目录). */
  also?: string[];
};

export type NavGroup = { key: string; label: MessageKey; items: NavItem[] };

export const canManageOrgs = (a: MeAccount): boolean => hasCapability(a, 'admin');
export const canManageCredentials = (a: MeAccount): boolean => hasCapability(a, 'credentialManager');
export const canReadAudit = (a: MeAccount): boolean => hasCapability(a, 'auditor');

const soon = (key: string, path: string, label: MessageKey, icon: ReactNode): NavItem => ({
  key,
  path,
  label,
  icon,
  ready: false,
});

export const HOME_ITEM: NavItem = {
  key: 'home',
  path: '/workspace',
  label: 'nav.workspaceHome',
  icon: <HomeOutlined />,
  ready: true,
};

export const NAV_GROUPS: readonly NavGroup[] = [
  {
    key: 'catalog',
    label: 'nav.group.catalog',
    items: [
      // The key stays `catalog-entries` (test id `nav-catalog-entries`): 目录检索 is for all staff.
      {
        key: 'catalog-entries',
        path: '/workspace/catalog',
        label: 'nav.catalog.search',
        icon: <FileSearchOutlined />,
        ready: true,
      },
      {
        key: 'catalog-mine',
        path: '/workspace/catalog/mine',
        label: 'nav.catalog.mine',
        icon: <ProfileOutlined />,
        allow: isDepartmentStaff,
        ready: true,
        also: ['/workspace/catalog/new'],
      },
      {
        key: 'catalog-review',
        path: '/workspace/catalog/review',
        label: 'nav.catalog.review',
        icon: <SafetyCertificateOutlined />,
        allow: canReviewCatalog,
        ready: true,
      },
      {
        key: 'catalog-upkeep',
        path: '/workspace/catalog/upkeep',
        label: 'nav.catalog.upkeep',
        icon: <ScheduleOutlined />,
        allow: canSeeUpkeep,
        ready: true,
      },
      {
        key: 'catalog-legal-bases',
        path: '/workspace/catalog/legal-bases',
        label: 'nav.catalog.legalBases',
        icon: <BookOutlined />,
        ready: true,
      },
    ],
  },
  {
    key: 'provision',
    label: 'nav.group.provision',
    items: [
      {
        key: 'provision',
        path: '/workspace/provision',
        label: 'nav.provision.data',
        icon: <CloudUploadOutlined />,
        allow: canSeeOwnData,
        ready: true,
      },
      {
        key: 'provision-quality',
        path: '/workspace/provision/quality',
        label: 'nav.provision.quality',
        icon: <BarChartOutlined />,
        allow: canSeeQuality,
        ready: true,
      },
    ],
  },
  {
    key: 'sharing',
    label: 'nav.group.sharing',
    items: [
      soon(
        'sharing-applications',
        '/workspace/sharing/applications',
        'nav.sharing.applications',
        <ShareAltOutlined />,
      ),
      soon('sharing-grants', '/workspace/sharing/grants', 'nav.sharing.grants', <KeyOutlined />),
    ],
  },
  {
    key: 'opening',
    label: 'nav.group.opening',
    items: [
      soon('opening-resources', '/workspace/opening/resources', 'nav.opening.resources', <GlobalOutlined />),
      soon(
        'opening-applications',
        '/workspace/opening/applications',
        'nav.opening.applications',
        <IdcardOutlined />,
      ),
    ],
  },
  {
    key: 'security',
    label: 'nav.group.security',
    items: [
      soon(
        'security-sensitive',
        '/workspace/security/sensitive',
        'nav.security.sensitive',
        <SafetyCertificateOutlined />,
      ),
      soon('security-warnings', '/workspace/security/warnings', 'nav.security.warnings', <AuditOutlined />),
    ],
  },
  {
    key: 'supervision',
    label: 'nav.group.supervision',
    items: [
      soon(
        'supervision-rectification',
        '/workspace/supervision/rectification',
        'nav.supervision.rectification',
        <AuditOutlined />,
      ),
      soon(
        'supervision-evaluation',
        '/workspace/supervision/evaluation',
        'nav.supervision.evaluation',
        <BarChartOutlined />,
      ),
    ],
  },
  {
    key: 'admin',
    label: 'nav.group.admin',
    items: [
      {
        key: 'organisations',
        path: '/workspace/admin/organisations',
        label: 'nav.admin.organisations',
        icon: <ApartmentOutlined />,
        allow: canManageOrgs,
        ready: true,
      },
      {
        key: 'divisions',
        path: '/workspace/admin/divisions',
        label: 'nav.admin.divisions',
        icon: <EnvironmentOutlined />,
        allow: canManageOrgs,
        ready: true,
      },
      {
        key: 'accounts',
        path: '/workspace/admin/accounts',
        label: 'nav.admin.accounts',
        icon: <TeamOutlined />,
        allow: canManageOrgs,
        ready: true,
      },
      {
        key: 'roles',
        path: '/workspace/admin/roles',
        label: 'nav.admin.roles',
        icon: <IdcardOutlined />,
        ready: true,
      },
      {
        key: 'credentials',
        path: '/workspace/admin/credentials',
        label: 'nav.admin.credentials',
        icon: <KeyOutlined />,
        allow: canManageCredentials,
        ready: true,
      },
      {
        key: 'audit',
        path: '/workspace/admin/audit',
        label: 'nav.admin.audit',
        icon: <AuditOutlined />,
        allow: canReadAudit,
        ready: true,
      },
      {
        key: 'calendar',
        path: '/workspace/admin/calendar',
        label: 'nav.admin.calendar',
        icon: <CalendarOutlined />,
        ready: true,
      },
      {
        key: 'connectorAllowList',
        path: '/workspace/admin/connector-allow-list',
        label: 'nav.admin.connectorAllowList',
        icon: <ApiOutlined />,
        allow: isCityAdmin,
        ready: true,
      },
      {
        key: 'retention',
        path: '/workspace/admin/retention',
        label: 'nav.admin.retention',
        icon: <HistoryOutlined />,
        allow: isCityAdmin,
        ready: true,
      },
    ],
  },
];

export function visibleGroups(account: MeAccount): NavGroup[] {
  return NAV_GROUPS.map((g) => ({ ...g, items: g.items.filter((i) => !i.allow || i.allow(account)) })).filter(
    (g) => g.items.length > 0,
  );
}

/** The nav item whose path is the longest prefix of `pathname`. */
export function activeItem(pathname: string): NavItem {
  let best: NavItem = HOME_ITEM;
  let bestLength = best.path.length;
  for (const g of NAV_GROUPS) {
    for (const item of g.items) {
      for (const prefix of [item.path, ...(item.also ?? [])]) {
        if ((pathname === prefix || pathname.startsWith(`${prefix}/`)) && prefix.length > bestLength) {
          best = item;
          bestLength = prefix.length;
        }
      }
    }
  }
  return best;
}

/**
 * Router state of a link to a page that several menu items lead to (an entry opened from 目录审核 or
 * 我的目录 rather than from 目录检索): the key of the item it was opened from.
 */
export type NavFrom = { from: string };

export const navFrom = (key: string): NavFrom => ({ from: key });

/**
 * The menu key to highlight: the item the page was opened from (`state.from`, see `navFrom`) when
 * it is a menu item `shown` to the user, else the item whose path owns `pathname`.
 */
export function selectedKey(
  location: { pathname: string; state?: unknown },
  shown: (key: string) => boolean = () => true,
): string {
  const state = location.state;
  const from = typeof state === 'object' && state !== null ? (state as Partial<NavFrom>).from : undefined;
  const known = NAV_GROUPS.some((g) => g.items.some((i) => i.key === from));
  return typeof from === 'string' && known && shown(from) ? from : activeItem(location.pathname).key;
}

/**
 * The state for links from one page of an item to another (the entry to its editor and back), so
 * that the highlighted menu item stays the one the user came from.
 */
export function useNavFrom(): NavFrom {
  return navFrom(selectedKey(useLocation()));
}
