import { render } from 'preact';

// Skeleton: the participant-pages work replaces this with the real page.
render(<main><h1>Gatepass</h1></main>, document.getElementById('app')!);
