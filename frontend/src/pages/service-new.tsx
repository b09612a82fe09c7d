import { useNavigate } from '@solidjs/router';
import { Show } from 'solid-js';
import { useApp } from '../context.ts';
import { ServiceForm } from '../components/service-form.tsx';
import { emptyForm } from '../logic/service-form.ts';
import { can, canAny } from '../logic/permissions.ts';

export default function ServiceNew() {
  const ctx = useApp();
  const navigate = useNavigate();
  return (
    <section class="pad">
      <h1>Create service</h1>
      <Show when={canAny(ctx.session.me(), 'services.write')} fallback={<p class="error-box">You need the services.write permission to create services.</p>}>
        <ServiceForm
          initial={emptyForm()}
          privileged={can(ctx.session.me(), 'services.privileged')}
          submitLabel="Create service"
          onCancel={() => navigate('/services')}
          onSubmit={async (input) => {
            const created = await ctx.api.createService(input, { quiet: true });
            ctx.toasts.success(`Service ${created.name} created.`);
            navigate(`/services/${encodeURIComponent(created.id)}`);
          }}
        />
      </Show>
    </section>
  );
}
