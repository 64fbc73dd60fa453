import { lazy, Suspense, type ComponentType, type ReactNode } from 'react';
import { createBrowserRouter, Outlet } from 'react-router';
import { FullPageSpin } from '../components/full-page-spin';
import { PortalLayout } from '../components/layout/portal-layout';
import { RequireAccess, RequireSignedIn, RequireStaff } from '../features/auth/guards';
import {
  canCatalogue,
  canReviewCatalog,
  canSeeUpkeep,
  isDepartmentStaff,
} from '../features/catalog/catalog-access';
import { isCityAdmin } from '../features/auth/auth-api';
import { canSeeOwnData, canViewProvision } from '../features/provision/provision-access';
import { canSeeQuality } from '../features/provision/quality-api';
import { canManageCredentials, canManageOrgs, canReadAudit, NAV_GROUPS } from './workspace-nav';

/** React.lazy for a module with a named export. */
function lazyNamed<M extends Record<string, unknown>, K extends keyof M & string>(
  load: () => Promise<M>,
  name: K,
): ComponentType {
  return lazy(async () => {
    const mod = await load();
    return { default: mod[name] as ComponentType };
  });
}

const HomePage = lazyNamed(() => import('../pages/home-page'), 'HomePage');
const RegisterPage = lazyNamed(() => import('../pages/register-page'), 'RegisterPage');
const SignInPage = lazyNamed(() => import('../pages/sign-in-page'), 'SignInPage');
const ChangePasswordPage = lazyNamed(() => import('../pages/change-password-page'), 'ChangePasswordPage');
const PortalComingSoonPage = lazy(async () => ({
  default: (await import('../pages/portal-coming-soon-page')).PortalComingSoonPage,
}));
const WorkspaceLayout = lazyNamed(() => import('../components/layout/workspace-layout'), 'WorkspaceLayout');
const WorkspaceHomePage = lazyNamed(() => import('../pages/workspace-home-page'), 'WorkspaceHomePage');
const ComingSoonPage = lazyNamed(() => import('../pages/coming-soon-page'), 'ComingSoonPage');
const OrganisationsPage = lazyNamed(() => import('../pages/organisations-page'), 'OrganisationsPage');
const DivisionsPage = lazyNamed(() => import('../pages/divisions-page'), 'DivisionsPage');
const AccountsPage = lazyNamed(() => import('../pages/accounts-page'), 'AccountsPage');
const RolesPage = lazyNamed(() => import('../pages/roles-page'), 'RolesPage');
const CredentialsPage = lazyNamed(() => import('../pages/credentials-page'), 'CredentialsPage');
const AuditPage = lazyNamed(() => import('../pages/audit-page'), 'AuditPage');
const CalendarPage = lazyNamed(() => import('../pages/calendar-page'), 'CalendarPage');
const NotFoundPage = lazyNamed(() => import('../pages/not-found-page'), 'NotFoundPage');
const catalogPages = () => import('../pages/catalog-pages');
const CatalogSearchPage = lazyNamed(catalogPages, 'CatalogSearchPage');
const CatalogEntryPage = lazyNamed(catalogPages, 'CatalogEntryPage');
const CatalogEditorPage = lazyNamed(catalogPages, 'CatalogEditorPage');
const MyCatalogPage = lazyNamed(catalogPages, 'MyCatalogPage');
const CatalogReviewPage = lazyNamed(catalogPages, 'CatalogReviewPage');
const LegalBasesPage = lazyNamed(catalogPages, 'LegalBasesPage');
const CatalogUpkeepPage = lazyNamed(catalogPages, 'CatalogUpkeepPage');
const provisionPages = () => import('../pages/provision-pages');
const ProvisionPage = lazyNamed(provisionPages, 'ProvisionPage');
const ProvisionEntryPage = lazyNamed(provisionPages, 'ProvisionEntryPage');
const QualityDashboardPage = lazyNamed(
  () => import('../features/provision/quality-dashboard'),
  'QualityDashboard',
);
const ConnectorAllowListPage = lazyNamed(
  () => import('../features/provision/connectors-allow-list'),
  'ConnectorAllowListPage',
);
const CityRetentionPage = lazyNamed(
  () => import('../features/provision/retention-admin'),
  'CityRetentionPage',
);
const portalCatalogPages = () => import('../pages/portal-catalog-pages');
const PortalCatalogPage = lazyNamed(portalCatalogPages, 'PortalCatalogPage');
const PortalEntryPage = lazyNamed(portalCatalogPages, 'PortalEntryPage');
const PortalRestrictionsPage = lazyNamed(portalCatalogPages, 'PortalRestrictionsPage');

function Lazy({ children }: { children: ReactNode }) {
  return <Suspense fallback={<FullPageSpin />}>{children}</Suspense>;
}

const comingSoonRoutes = NAV_GROUPS.flatMap((g) => g.items)
  .filter((i) => !i.ready)
  .map((i) => ({ path: i.path.replace(/^\/workspace\//, ''), element: <ComingSoonPage /> }));

export const router = createBrowserRouter([
  {
    element: (
      <Lazy>
        <Outlet />
      </Lazy>
    ),
    children: [
      {
        path: '/',
        element: <PortalLayout />,
        children: [
          { index: true, element: <HomePage /> },
          { path: 'applications', element: <PortalComingSoonPage title="portal.nav.applications" /> },
          { path: 'requests', element: <PortalComingSoonPage title="portal.nav.requests" /> },
          { path: 'developers', element: <PortalComingSoonPage title="portal.nav.developers" /> },
          { path: 'showcase', element: <PortalComingSoonPage title="portal.nav.showcase" /> },
          { path: 'catalog', element: <PortalCatalogPage /> },
          { path: 'catalog/entries/:id', element: <PortalEntryPage /> },
          { path: 'catalog/restrictions', element: <PortalRestrictionsPage /> },
        ],
      },
      { path: '/register', element: <RegisterPage /> },
      { path: '/sign-in', element: <SignInPage /> },
      {
        path: '/change-password',
        element: (
          <RequireSignedIn>
            <ChangePasswordPage />
          </RequireSignedIn>
        ),
      },
      {
        path: '/workspace',
        element: (
          <RequireStaff>
            <WorkspaceLayout />
          </RequireStaff>
        ),
        children: [
          { index: true, element: <WorkspaceHomePage /> },
          ...comingSoonRoutes,
          { path: 'catalog', element: <CatalogSearchPage /> },
          { path: 'catalog/entries/:id', element: <CatalogEntryPage /> },
          {
            path: 'catalog/entries/:id/edit',
            element: (
              <RequireAccess allow={canCatalogue}>
                <CatalogEditorPage />
              </RequireAccess>
            ),
          },
          {
            path: 'catalog/new',
            element: (
              <RequireAccess allow={canCatalogue}>
                <CatalogEditorPage />
              </RequireAccess>
            ),
          },
          {
            path: 'catalog/mine',
            element: (
              <RequireAccess allow={isDepartmentStaff}>
                <MyCatalogPage />
              </RequireAccess>
            ),
          },
          {
            path: 'catalog/review',
            element: (
              <RequireAccess allow={canReviewCatalog}>
                <CatalogReviewPage />
              </RequireAccess>
            ),
          },
          {
            path: 'catalog/upkeep',
            element: (
              <RequireAccess allow={canSeeUpkeep}>
                <CatalogUpkeepPage />
              </RequireAccess>
            ),
          },
          { path: 'catalog/legal-bases', element: <LegalBasesPage /> },
          {
            path: 'provision',
            element: (
              <RequireAccess allow={canSeeOwnData}>
                <ProvisionPage />
              </RequireAccess>
            ),
          },
          {
            path: 'provision/quality',
            element: (
              <RequireAccess allow={canSeeQuality}>
                <QualityDashboardPage />
              </RequireAccess>
            ),
          },
          {
            path: 'provision/entries/:id',
            element: (
              <RequireAccess allow={canViewProvision}>
                <ProvisionEntryPage />
              </RequireAccess>
            ),
          },
          {
            path: 'admin/connector-allow-list',
            element: (
              <RequireAccess allow={isCityAdmin}>
                <ConnectorAllowListPage />
              </RequireAccess>
            ),
          },
          {
            path: 'admin/retention',
            element: (
              <RequireAccess allow={isCityAdmin}>
                <CityRetentionPage />
              </RequireAccess>
            ),
          },
          {
            path: 'admin/organisations',
            element: (
              <RequireAccess allow={canManageOrgs}>
                <OrganisationsPage />
              </RequireAccess>
            ),
          },
          {
            path: 'admin/divisions',
            element: (
              <RequireAccess allow={canManageOrgs}>
                <DivisionsPage />
              </RequireAccess>
            ),
          },
          {
            path: 'admin/accounts',
            element: (
              <RequireAccess allow={canManageOrgs}>
                <AccountsPage />
              </RequireAccess>
            ),
          },
          { path: 'admin/roles', element: <RolesPage /> },
          {
            path: 'admin/credentials',
            element: (
              <RequireAccess allow={canManageCredentials}>
                <CredentialsPage />
              </RequireAccess>
            ),
          },
          {
            path: 'admin/audit',
            element: (
              <RequireAccess allow={canReadAudit}>
                <AuditPage />
              </RequireAccess>
            ),
          },
          { path: 'admin/calendar', element: <CalendarPage /> },
          { path: '*', element: <NotFoundPage /> },
        ],
      },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);
