import { A } from '@solidjs/router';

export default function NotFound() {
  return (
    <section class="pad">
      <h1>Not found</h1>
      <p>
        There is no page here. <A href="/services">Go to services</A>.
      </p>
    </section>
  );
}
