"""What the browser tests drive: a real parleyd on free ports, headless
Chromium through chromedriver, and a classic line-protocol user on a plain
TCP socket."""

import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time

CHROMIUM = '/usr/bin/chromium'
CHROMEDRIVER = '/usr/bin/chromedriver'
INSTALL_HINT = 'the browser tests need chromium, chromium-driver and python3-selenium: run scripts/install-deps'

USERS = {
    'alice': 'secret',
    'bob': 'hunter2',
    'carol': 'swordfish',
    'dave': 'tr0ub4dor',
    'erin': 'correcthorse',
    'frank': 'letmein',
    'grace': 'opensesame',
    'heidi': 'passw0rd',
    'ivan': 'qwerty12',
    'judy': 'sunshine',
}


def missing_prerequisites():
    """What is missing to run the browser tests, or None."""
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not os.access(p, os.X_OK)]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append('python3-selenium')
    return ', '.join(missing) if missing else None


def free_port():
    with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
        s.bind(('::', 0))
        return s.getsockname()[1]


class Server:
    """parleyd in a temporary directory, on a classic and a web port that stay
    the same across restarts (the page reconnects to where it came from)."""

    def __init__(self, binary, extra_args=()):
        self.binary = binary
        self.extra_args = list(extra_args)
        self.dir = tempfile.mkdtemp(prefix='parley-browser-')
        with open(os.path.join(self.dir, 'user_pass.txt'), 'w') as f:
            for name, password in USERS.items():
                f.write(f'{name} {password}\n')
        self.classic_port = free_port()
        self.web_port = free_port()
        self.process = None
        self.reader = None
        self.lines = []
        self.changed = threading.Condition()

    @property
    def url(self):
        return f'http://127.0.0.1:{self.web_port}/'

    def start(self):
        self.lines = []
        args = [self.binary, '--password-hash-cost', 'min', '--web-port', str(self.web_port), *self.extra_args,
                str(self.classic_port)]
        self.process = subprocess.Popen(args, cwd=self.dir, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE, text=True, errors='replace')
        self.reader = threading.Thread(target=self._read_log, args=(self.process,), daemon=True)
        self.reader.start()
        if not self.wait_for_log('web protocol listening on', 15):
            log = self.log()
            self.stop()
            raise RuntimeError('parleyd did not start its web listener; log:\n' + log)

    def _read_log(self, process):
        for line in process.stderr:
            with self.changed:
                self.lines.append(line.rstrip('\n'))
                self.changed.notify_all()

    def wait_for_log(self, text, timeout):
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                if any(text in line for line in self.lines):
                    return True
                left = deadline - time.monotonic()
                if left <= 0 or self.process is None or self.process.poll() is not None:
                    return False
                self.changed.wait(min(left, 0.2))

    def log(self):
        with self.changed:
            return '\n'.join(self.lines)

    def kill(self):
        """Ends parleyd at once, as a crash would."""
        self._end(signal.SIGKILL)

    def stop(self):
        """Shuts parleyd down in order (SIGTERM)."""
        self._end(signal.SIGTERM)

    def _end(self, sig):
        if not self.process:
            return
        self.process.send_signal(sig)
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.reader.join(10)
        self.process.stderr.close()
        self.process = None

    def remove(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def browser(width=1280, height=800):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ('--headless=new', '--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu',
                '--disable-extensions', '--no-first-run', '--lang=en-US', f'--window-size={width},{height}'):
        options.add_argument(arg)
    options.set_capability('goog:loggingPrefs', {'browser': 'ALL'})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    set_viewport(driver, width, height)
    return driver


def set_viewport(driver, width, height, mobile=False):
    """The page's own size, whatever the window around it measures."""
    driver.execute_cdp_cmd('Emulation.setDeviceMetricsOverride', {
        'width': width, 'height': height, 'deviceScaleFactor': 1, 'mobile': mobile})


class ClassicUser:
    """A user of the classic line protocol, as `nc` would be."""

    def __init__(self, port, name, password, timeout=10):
        self.timeout = timeout
        self.sock = socket.create_connection(('127.0.0.1', port), timeout=timeout)
        self.buffer = ''
        self.read_until('Username: ')
        self.send_line(name)
        self.read_until('Password: ')
        self.send_line(password)
        self.login_output = self.read_until('Command: ')
        if 'Login successful' not in self.login_output:
            raise AssertionError(f'{name} could not log in: {self.login_output!r}')

    def send_line(self, line):
        self.sock.sendall((line + '\n').encode())

    def read_until(self, text):
        """Everything up to and including `text`; fails after the timeout."""
        deadline = time.monotonic() + self.timeout
        while text not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f'timed out waiting for {text!r}; got {self.buffer!r}')
            self.sock.settimeout(left)
            chunk = self.sock.recv(65536)
            if not chunk:
                raise AssertionError(f'connection closed waiting for {text!r}; got {self.buffer!r}')
            self.buffer += chunk.decode(errors='replace')
        end = self.buffer.index(text) + len(text)
        out, self.buffer = self.buffer[:end], self.buffer[end:]
        return out

    def command(self, line):
        """Sends a command; returns its output up to the next prompt."""
        self.send_line(line)
        return self.read_until('Command: ')

    def close(self):
        try:
            self.send_line('logout')
            self.read_until('Logging off')
        except (AssertionError, OSError):
            pass
        self.sock.close()


def user_list(output):
    """Names in a whoelse listing."""
    return [re.split(r'\s', line.strip())[0] for line in output.splitlines()[1:] if line.strip()
            and line.strip() != 'Command:' and not line.startswith('(Not found)')]
