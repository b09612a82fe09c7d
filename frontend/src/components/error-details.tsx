import { For, Show } from 'solid-js';
import { ApiError } from '../api.ts';
import { detailLines } from '../logic/format.ts';

/** An API error inline: its message and, for policy denials and validation, each broken rule or field. */
export const ErrorDetails = (props: { error: unknown }) => {
  const e = () => props.error;
  const lines = () => (e() instanceof ApiError ? detailLines((e() as ApiError).details) : []);
  const title = () => {
    const err = e();
    if (err instanceof ApiError && err.code === 'policy_denied') return `Denied by the security policy: ${err.message}`;
    return err instanceof Error ? err.message : String(err);
  };
  return (
    <Show when={e()}>
      <div class="error-box" role="alert" data-testid="error-details">
        <strong>{title()}</strong>
        <Show when={lines().length > 0}>
          <ul>
            <For each={lines()}>{(line) => <li>{line}</li>}</For>
          </ul>
        </Show>
      </div>
    </Show>
  );
};
