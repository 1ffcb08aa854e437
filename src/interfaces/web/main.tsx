// Entry point of the dashboard bundle.
import { render } from 'preact';
import { config as zodConfig } from 'zod';
import { App } from './app.tsx';
import './style.css';

// zod probes for eval (Function('')) before compiling fast parsers: under the dashboard's
// Content-Security-Policy (no 'unsafe-eval') the probe is a reported violation. Without it
// zod parses the same, interpreted.
zodConfig({ jitless: true });

render(<App />, document.getElementById('app')!);
