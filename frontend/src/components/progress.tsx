import type { ServiceSummary } from '../types.ts';
import { progressOf } from '../logic/services.ts';

/** Running/desired as a bar, with the update state and message. */
export const ProgressBar = (props: { service: ServiceSummary; showMessage?: boolean }) => {
  const p = () => progressOf(props.service);
  return (
    <div class={`progress tone-${p().tone}${p().converging ? ' converging' : ''}`} data-testid="progress">
      <div
        class="bar"
        role="progressbar"
        aria-valuemin="0"
        aria-valuemax={props.service.replicas.desired}
        aria-valuenow={props.service.replicas.running}
        aria-label={`${props.service.name}: ${p().label}`}
      >
        <div class="fill" style={{ width: `${Math.round(p().ratio * 100)}%` }} />
      </div>
      <span class="progress-label" data-testid="replicas">
        {p().label}
      </span>
      {props.showMessage && props.service.updateStatus?.message ? (
        <span class="progress-message">{props.service.updateStatus.message}</span>
      ) : null}
    </div>
  );
};
