import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { releaseShownOnSettingsChange, startPrecomputed } from './precomputed';
import { ServicesContext, startServices } from './services';
import './styles.css';

const services = startServices();
startPrecomputed(services.store);
releaseShownOnSettingsChange(services.store);
const root = document.getElementById('root');
if (!root) throw new Error('#root missing from index.html');
createRoot(root).render(
  <StrictMode>
    <ServicesContext.Provider value={services}>
      <App />
    </ServicesContext.Provider>
  </StrictMode>,
);
