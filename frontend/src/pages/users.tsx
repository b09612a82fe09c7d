import { createSignal, For, onMount, Show } from 'solid-js';
import { useApp, usePageStore } from '../context.ts';
import { ConfirmDialog } from '../components/confirm.tsx';
import { ErrorDetails } from '../components/error-details.tsx';
import { createKeyboardList } from '../components/keyboard-list.ts';
import { ago } from '../logic/format.ts';
import { createFormSubmit } from '../logic/form-submit.ts';
import { can, canAny, mayChange, mayGrant, PERMISSIONS, SCOPABLE, scopedOf, scopedPermission, scopeError, type ScopeKind } from '../logic/permissions.ts';
import { createUsersStore } from '../stores/users.ts';
import type { Permission, UserSummary } from '../types.ts';
import { ActionsHead, DataTable, PageHead, RowDangerButton } from '../components/table.tsx';

const USERNAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$/;

export default function Users() {
  const ctx = useApp();
  const store = usePageStore(createUsersStore);
  const { users, loaded, error, busy, load, toggle } = store;
  const keys = createKeyboardList({ count: () => users().length });
  const [deleting, setDeleting] = createSignal<UserSummary | null>(null);
  const [name, setName] = createSignal('');
  const [password, setPassword] = createSignal('');
  const [perms, setPerms] = createSignal<Permission[]>([]);
  const me = ctx.session.me;
  const writable = () => can(me(), 'users.write');
  onMount(() => void load());

  // The scope field: grants `<permission>:<kind>=<value>` (contract 1.1), within what the signed-in user holds.
  const [scopeUser, setScopeUser] = createSignal('');
  const [scopePerm, setScopePerm] = createSignal<Permission>('services.read');
  const [scopeKind, setScopeKind] = createSignal<ScopeKind>('stack');
  const [scopeValue, setScopeValue] = createSignal('');
  const scopeMessage = () => (scopeValue() === '' ? null : scopeError(scopeKind(), scopeValue()));
  const scopeString = () => scopedPermission(scopePerm(), scopeKind(), scopeValue());
  const scopeRefusal = () => {
    const p = scopeString();
    return p && !mayGrant(me(), p) ? `You cannot grant ${p}: you hold neither it nor ${scopePerm()}.` : null;
  };
  // NOTE: the API module types permissions as the unscoped names; a scoped string is the same field on the wire.
  const asPermission = (p: string) => p as Permission;
  const grantScope = async (e: SubmitEvent) => {
    e.preventDefault();
    const p = scopeString();
    const user = users().find((u) => u.username === scopeUser());
    if (!p || !user || scopeRefusal()) return;
    await toggle(user, asPermission(p), true);
    setScopeValue('');
  };

  const nameError = () => (name() !== '' && !USERNAME.test(name()) ? 'Letters, digits, ., _ and -; up to 64 characters.' : null);
  const passwordError = () => (password() !== '' && password().length < 8 ? 'At least 8 characters.' : null);

  const { tried, error: createError, submit: create } = createFormSubmit({
    valid: () => !(!name() || !password() || nameError() || passwordError()),
    send: () => store.create({ username: name(), password: password(), permissions: perms() }),
    reset: () => {
      setName('');
      setPassword('');
      setPerms([]);
    },
  });

  return (
    <section class="pad">
      <PageHead title="Users" onRefresh={() => void load()} />
      <Show when={writable() === false}>
        <p class="muted">You can see users but not change them (you lack users.write).</p>
      </Show>
      <ErrorDetails error={error()} />
      <DataTable
        testid="users-table"
        class="users"
        onKeyDown={keys.onKeyDown}
        caption={<caption class="sr-only">Users and their permissions. A permission can be granted or revoked only by a user who holds it.</caption>}
        head={
          <>
            <th scope="col">User</th>
            <For each={PERMISSIONS}>
              {(p) => (
                <th scope="col" class="perm-col">
                  <span>{p}</span>
                </th>
              )}
            </For>
            <th scope="col">Scoped</th>
            <th scope="col">Created</th>
            <ActionsHead />
          </>
        }
        columns={PERMISSIONS.length + 4}
        each={users()}
        loaded={loaded()}
        empty="No users."
      >
        {(u, i) => (
          <tr {...keys.row(i)} data-user={u.username}>
            <th scope="row">
              {u.username}
              <Show when={u.username === me()?.username}>
                <span class="chip">you</span>
              </Show>
            </th>
            <For each={PERMISSIONS}>
              {(p) => (
                <td class="perm-col">
                  <input
                    type="checkbox"
                    aria-label={`${p} for ${u.username}`}
                    checked={u.permissions.includes(p)}
                    disabled={!mayChange(me(), p) || busy() === `${u.username}:${p}`}
                    title={mayChange(me(), p) ? '' : `You cannot grant or revoke ${p}: you do not hold it${writable() ? '' : ', or users.write'}.`}
                    data-permission={p}
                    onChange={(e) => void toggle(u, p, e.currentTarget.checked)}
                  />
                </td>
              )}
            </For>
            <td class="scoped-perms">
              <For each={scopedOf(u.permissions)}>
                {(p) => (
                  <span class="chip" data-permission={p}>
                    {p}
                    <Show when={mayGrant(me(), p)}>
                      <button
                        type="button"
                        class="secondary small"
                        aria-label={`Revoke ${p} from ${u.username}`}
                        disabled={busy() === `${u.username}:${p}`}
                        onClick={() => void toggle(u, asPermission(p), false)}
                      >
                        ×
                      </button>
                    </Show>
                  </span>
                )}
              </For>
            </td>
            <td title={u.createdAt}>{ago(u.createdAt, ctx.now())}</td>
            <td>
              <Show when={writable()}>
                <RowDangerButton
                  label="Delete"
                  disabled={u.username === me()?.username}
                  title={u.username === me()?.username ? 'You cannot delete yourself.' : ''}
                  onClick={() => setDeleting(u)}
                />
              </Show>
            </td>
          </tr>
        )}
      </DataTable>
      <Show when={store.more()}>
        <div class="actions">
          <button type="button" class="secondary" disabled={store.loadingMore()} onClick={() => void store.loadMore()}>
            Load more
          </button>
          <button type="button" class="secondary" disabled={store.loadingMore()} onClick={() => void store.loadAll()}>
            Load all
          </button>
        </div>
      </Show>

      <Show when={writable()}>
        <form class="card grant-scope" onSubmit={grantScope} novalidate data-testid="grant-scope-form">
          <h2>Grant a scoped permission</h2>
          <p class="muted">A scope limits a permission to some services (or secrets, configs): a stack, a name or glob, or a label.</p>
          <div class="grid2">
            <div class="field">
              <label for="scope-user">User</label>
              <select id="scope-user" value={scopeUser()} onChange={(e) => setScopeUser(e.currentTarget.value)}>
                <option value="">Choose a user</option>
                <For each={users()}>{(u) => <option value={u.username}>{u.username}</option>}</For>
              </select>
            </div>
            <div class="field">
              <label for="scope-permission">Permission</label>
              <select id="scope-permission" value={scopePerm()} onChange={(e) => setScopePerm(e.currentTarget.value as Permission)}>
                <For each={SCOPABLE.filter((p) => canAny(me(), p))}>{(p) => <option value={p}>{p}</option>}</For>
              </select>
            </div>
            <div class="field">
              <label for="scope-kind">Scope</label>
              <select id="scope-kind" value={scopeKind()} onChange={(e) => setScopeKind(e.currentTarget.value as ScopeKind)}>
                <option value="stack">stack</option>
                <option value="name">name (glob)</option>
                <option value="label">label (key=value)</option>
              </select>
            </div>
            <div class="field" classList={{ invalid: !!scopeMessage() || !!scopeRefusal() }}>
              <label for="scope-value">Value</label>
              <input
                id="scope-value"
                autocomplete="off"
                placeholder={scopeKind() === 'stack' ? 'shop' : scopeKind() === 'name' ? 'shop-*' : 'team=payments'}
                value={scopeValue()}
                onInput={(e) => setScopeValue(e.currentTarget.value)}
                aria-describedby="scope-value-msg"
                aria-invalid={scopeMessage() || scopeRefusal() ? 'true' : 'false'}
              />
              <small id="scope-value-msg" class="field-error">
                {scopeMessage() ?? scopeRefusal() ?? (scopeString() ? `Grants ${scopeString()}` : '')}
              </small>
            </div>
          </div>
          <div class="actions">
            <button type="submit" disabled={!scopeUser() || !scopeString() || !!scopeRefusal() || busy() !== null}>
              Grant
            </button>
          </div>
        </form>

        <form class="card create-user" onSubmit={create} novalidate data-testid="create-user-form">
          <h2>Create user</h2>
          <div class="grid2">
            <div class="field" classList={{ invalid: !!nameError() || (tried() && !name()) }}>
              <label for="new-username">Username</label>
              <input id="new-username" autocomplete="off" value={name()} onInput={(e) => setName(e.currentTarget.value)} aria-describedby="new-username-msg" aria-invalid={nameError() ? 'true' : 'false'} />
              <small id="new-username-msg" class="field-error">
                {nameError() ?? (tried() && !name() ? 'A username is required.' : '')}
              </small>
            </div>
            <div class="field" classList={{ invalid: !!passwordError() || (tried() && !password()) }}>
              <label for="new-password">Password</label>
              <input id="new-password" type="password" autocomplete="new-password" value={password()} onInput={(e) => setPassword(e.currentTarget.value)} aria-describedby="new-password-msg" aria-invalid={passwordError() ? 'true' : 'false'} />
              <small id="new-password-msg" class="field-error">
                {passwordError() ?? (tried() && !password() ? 'A password is required.' : '')}
              </small>
            </div>
          </div>
          <fieldset>
            <legend>Permissions</legend>
            <div class="perm-picks">
              <For each={PERMISSIONS}>
                {(p) => (
                  <label class="check" classList={{ disabled: !can(me(), p) }}>
                    <input
                      type="checkbox"
                      checked={perms().includes(p)}
                      disabled={!can(me(), p)}
                      onChange={(e) => setPerms(e.currentTarget.checked ? [...perms(), p] : perms().filter((x) => x !== p))}
                    />
                    {p}
                  </label>
                )}
              </For>
            </div>
          </fieldset>
          <ErrorDetails error={createError()} />
          <div class="actions">
            <button type="submit">Create user</button>
          </div>
        </form>
      </Show>

      <Show when={deleting()}>
        {(u) => (
          <ConfirmDialog
            title={`Delete user ${u().username}?`}
            confirmLabel="Delete user"
            danger
            onClose={() => setDeleting(null)}
            onConfirm={() => store.remove(u().username)}
          >
            <p>Their sessions stop working at once.</p>
          </ConfirmDialog>
        )}
      </Show>
    </section>
  );
}
