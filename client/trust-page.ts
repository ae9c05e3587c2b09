// /trust: tells the visitor whether this browser already trusts the server's certificate, by
// loading a tiny image from the HTTPS origin (it loads only over a trusted TLS connection).

const line = document.getElementById('trust-check');
const again = document.getElementById('trust-check-again');

function check(): void {
  if (line === null) {
    return;
  }
  const { probe = '', trusted = '', untrusted = '' } = line.dataset;
  line.dataset.state = 'checking';
  const image = new Image();
  image.onload = () => {
    line.dataset.state = 'trusted';
    line.textContent = trusted;
  };
  image.onerror = () => {
    line.dataset.state = 'untrusted';
    line.textContent = untrusted;
  };
  image.src = `${probe}?t=${Date.now()}`;
}

again?.addEventListener('click', check);
check();

export {};
