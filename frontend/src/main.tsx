import { render } from 'solid-js/web';
import { Route, Router } from '@solidjs/router';
import { lazy } from 'solid-js';
import { createAppContext, Guard, Home, Shell } from './shell.tsx';
import type { Permission } from './types.ts';
import { AppCtx } from './context.ts';
import './styles.css';

const Login = lazy(() => import('./pages/login.tsx'));
const Services = lazy(() => import('./pages/services.tsx'));
const ServiceNew = lazy(() => import('./pages/service-new.tsx'));
const ServiceDetail = lazy(() => import('./pages/service-detail.tsx'));
const Stacks = lazy(() => import('./pages/stacks.tsx'));
const Secrets = lazy(() => import('./pages/secrets.tsx'));
const Nodes = lazy(() => import('./pages/nodes.tsx'));
const Events = lazy(() => import('./pages/events.tsx'));
const Users = lazy(() => import('./pages/users.tsx'));
const Alerts = lazy(() => import('./pages/alerts.tsx'));
const Account = lazy(() => import('./pages/account.tsx'));
const NotFound = lazy(() => import('./pages/not-found.tsx'));

const ctx = createAppContext();

/** A lazy page that first checks the permission it reads with (the server still decides). */
const guarded = (Page: ReturnType<typeof lazy>, permission: Permission | readonly Permission[]) => () => (
  <Guard permission={permission}>
    <Page />
  </Guard>
);

render(
  () => (
    <AppCtx.Provider value={ctx}>
      <Router root={Shell}>
        <Route path="/" component={Home} />
        <Route path="/login" component={Login} />
        <Route path="/services" component={guarded(Services, 'services.read')} />
        <Route path="/services/new" component={guarded(ServiceNew, 'services.write')} />
        <Route path="/services/:id" component={guarded(ServiceDetail, 'services.read')} />
        <Route path="/stacks" component={guarded(Stacks, 'services.read')} />
        <Route path="/secrets" component={guarded(Secrets, ['secrets.read', 'configs.read'])} />
        <Route path="/nodes" component={guarded(Nodes, 'nodes.read')} />
        <Route path="/events" component={guarded(Events, 'events.read')} />
        <Route path="/users" component={guarded(Users, 'users.read')} />
        <Route path="/alerts" component={guarded(Alerts, 'alerts.read')} />
        <Route path="/account" component={Account} />
        <Route path="*" component={NotFound} />
      </Router>
    </AppCtx.Provider>
  ),
  document.getElementById('app')!,
);
