import { render } from 'solid-js/web';
import { Navigate, Route, Router } from '@solidjs/router';
import { lazy } from 'solid-js';
import { createAppContext, Shell } from './shell.tsx';
import { AppCtx } from './context.ts';
import './styles.css';

const Login = lazy(() => import('./pages/login.tsx'));
const Services = lazy(() => import('./pages/services.tsx'));
const ServiceNew = lazy(() => import('./pages/service-new.tsx'));
const ServiceDetail = lazy(() => import('./pages/service-detail.tsx'));
const Nodes = lazy(() => import('./pages/nodes.tsx'));
const Events = lazy(() => import('./pages/events.tsx'));
const Users = lazy(() => import('./pages/users.tsx'));
const Account = lazy(() => import('./pages/account.tsx'));
const NotFound = lazy(() => import('./pages/not-found.tsx'));

const ctx = createAppContext();

render(
  () => (
    <AppCtx.Provider value={ctx}>
      <Router root={Shell}>
        <Route path="/" component={() => <Navigate href="/services" />} />
        <Route path="/login" component={Login} />
        <Route path="/services" component={Services} />
        <Route path="/services/new" component={ServiceNew} />
        <Route path="/services/:id" component={ServiceDetail} />
        <Route path="/nodes" component={Nodes} />
        <Route path="/events" component={Events} />
        <Route path="/users" component={Users} />
        <Route path="/account" component={Account} />
        <Route path="*" component={NotFound} />
      </Router>
    </AppCtx.Provider>
  ),
  document.getElementById('app')!,
);
