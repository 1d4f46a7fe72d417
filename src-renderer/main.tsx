import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import './styles/base.css';
import './styles/shell.css';
import './styles/list.css';
import './styles/detail.css';
import './styles/form.css';
import './styles/overlays.css';
import './styles/sync.css';
import './styles/sales.css';
import './styles/pool.css';

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
