#!/usr/bin/python3
"""The web client in headless Chromium against a real parleyd.

Usage: web_client_test.py PARLEYD [unittest arguments]

With PARLEY_SCREENSHOTS=<dir> (relative to the source tree, e.g. `docs`)
the chat test also saves web-desktop.png (1280x800) and web-phone.png
(390x844) there.
"""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import support  # noqa: E402

SOURCE_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
PARLEYD = None
server = None
drivers = []


def setUpModule():
    global server
    missing = support.missing_prerequisites()
    if missing:
        raise RuntimeError(f'missing: {missing}; {support.INSTALL_HINT}')
    server = support.Server(PARLEYD)
    server.start()
    for _ in range(2):
        drivers.append(support.browser())


def tearDownModule():
    for d in drivers:
        d.quit()
    if server:
        server.remove()


class Page:
    """The web client in one browser, seen the way a user sees it."""

    def __init__(self, driver, on=None):
        self.driver = driver
        self.server = on or server
        support.set_viewport(driver, 1280, 800)
        driver.get(self.server.url)
        self.wait(lambda d: self.visible('login-screen'), 'the login page')

    # --- looking
    def find(self, css):
        from selenium.webdriver.common.by import By
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def click(self, css, what):
        """Clicks the first element matching `css`, found again if the page
        redrew it in between (lists are rebuilt as presence changes)."""
        def clicked(_):
            found = self.find(css)
            if not found:
                return False
            found[0].click()
            return True
        self.wait(clicked, what)

    def by_id(self, element_id):
        from selenium.webdriver.common.by import By
        return self.driver.find_element(By.ID, element_id)

    def visible(self, element_id):
        return self.by_id(element_id).is_displayed()

    def text(self, element_id):
        return self.by_id(element_id).text

    def wait(self, condition, what, timeout=20):
        from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
        from selenium.webdriver.support.ui import WebDriverWait
        try:
            return WebDriverWait(self.driver, timeout, ignored_exceptions=(StaleElementReferenceException,)).until(
                condition)
        except TimeoutException:
            raise AssertionError(f'timed out waiting for {what}; status={self.status()!r}; '
                                 f'page log={self.console()!r}\nserver log:\n{self.server.log()[-3000:]}') from None

    def status(self):
        try:
            return self.text('status')
        except Exception:  # noqa: BLE001 - only for failure messages
            return '?'

    def console(self):
        try:
            return [e['message'] for e in self.driver.get_log('browser')]
        except Exception:  # noqa: BLE001
            return []

    def messages(self):
        """(sender, text, classes) of each message in the open conversation."""
        out = []
        for li in self.find('#message-list li.message'):
            out.append((li.find_element('css selector', '.from').text, li.find_element('css selector', '.text').text,
                        li.get_attribute('class')))
        return out

    def texts(self):
        return [m[1] for m in self.messages()]

    def unread(self, key):
        badges = self.find(f'button.conv[data-key="{key}"] .badge')
        return int(badges[0].text) if badges else 0

    # --- doing
    def type_into(self, element_id, text, enter=True):
        from selenium.webdriver.common.keys import Keys
        box = self.by_id(element_id)
        box.clear()
        box.send_keys(text + (Keys.ENTER if enter else ''))

    def try_login(self, name, password):
        self.type_into('login-user', name, enter=False)
        self.type_into('login-password', password)

    def login(self, name, password=None):
        self.try_login(name, password or support.USERS[name])
        self.wait(lambda d: self.ready() and self.by_id('me').get_attribute('textContent') == name,
                  f'{name} to be logged in')
        return self

    def ready(self):
        """Logged in, and what the server sends at login has come."""
        return self.driver.execute_script('return document.body.dataset.ready === "true"')

    def open(self, key):
        self.wait(lambda d: self.find(f'button.conv[data-key="{key}"]'), f'conversation {key} in the sidebar')
        if not self.visible('sidebar'):  # on a phone it folds away
            self.by_id('sidebar-toggle').click()
            self.wait(lambda d: self.visible('sidebar'), 'the sidebar to open')
        self.click(f'button.conv[data-key="{key}"]', f'the conversation {key}')
        self.wait(lambda d: self.by_id('conversation').get_attribute('data-key') == key, f'{key} to open')

    def message_user(self, name):
        self.type_into('dm-user', name)
        self.wait(lambda d: self.by_id('conversation').get_attribute('data-key') == '@' + name.lower(),
                  f'the conversation with {name}')

    def join(self, room):
        self.type_into('join-room', room)
        self.wait(lambda d: self.by_id('conversation').get_attribute('data-key') == room.lower(), f'{room} to open')

    def say(self, text):
        from selenium.webdriver.common.keys import Keys
        box = self.by_id('composer-text')
        box.send_keys(text)
        box.send_keys(Keys.ENTER)
        self.wait_for_text(text)

    def wait_for_text(self, text, timeout=20):
        self.wait(lambda d: text in self.texts(), f'{text!r} in {self.texts()!r}', timeout)

    def close(self):
        """Leaves the page; the next test loads it afresh."""
        self.driver.get('about:blank')


class WebClientTest(unittest.TestCase):
    def pages(self, n=2):
        return [Page(drivers[i]) for i in range(n)]

    def tearDown(self):
        for d in drivers:
            d.get('about:blank')

    def test_01_two_browsers_chat_privately_and_in_a_room(self):
        a, b = self.pages()
        a.login('alice')
        a.type_into('intro-text', 'Designs the product')
        a.wait(lambda d: a.text('intro-status') == 'Saved.', 'the introduction to be saved')

        b.login('bob')
        # bob's online list has alice with her introduction; alice's gets bob.
        b.wait(lambda d: 'Designs the product' in b.text('online'), "alice's introduction in bob's online list")
        a.wait(lambda d: a.find('#online li.user[data-name="bob"]'), 'bob in the online list')

        # Private: alice picks bob from the online list.
        a.click('#online button.user-name[data-name="bob"]', 'bob in the online list')
        a.wait(lambda d: a.by_id('conversation').get_attribute('data-key') == '@bob', 'the conversation with bob')
        a.say('Hi Bob, got a minute?')
        b.wait(lambda d: b.unread('@alice') == 1, 'an unread mark for alice at bob')
        b.open('@alice')
        b.wait_for_text('Hi Bob, got a minute?')
        self.assertEqual(b.unread('@alice'), 0)
        b.say('Sure, what is up?')
        a.wait_for_text('Sure, what is up?')
        self.assertEqual(a.texts(), ['Hi Bob, got a minute?', 'Sure, what is up?'])

        # A room: alice creates it, bob joins, both talk.
        a.join('#design')
        b.join('#design')
        a.wait(lambda d: 'bob joined the room' in a.text('message-list'), "bob's join in alice's room view")
        a.say('The new mockups are in the shared folder.')
        b.wait_for_text('The new mockups are in the shared folder.')
        b.say('Looking now. The colours work much better.')
        a.wait_for_text('Looking now. The colours work much better.')
        a.say('Great! Let us review them on Thursday.')
        b.wait_for_text('Great! Let us review them on Thursday.')
        senders = [m[0] for m in b.messages()]
        self.assertEqual(senders, ['alice', 'bob', 'alice'])

        # A topic, set by the owner and shown to the member.
        a.by_id('topic-button').click()
        a.type_into('topic-text', 'Design reviews and mockups')
        a.wait(lambda d: a.text('conv-topic') == 'Design reviews and mockups', "the topic in alice's header")
        b.wait(lambda d: b.text('conv-topic') == 'Design reviews and mockups', "the topic in bob's header")

        # Broadcast to everyone.
        b.open('*')
        b.say('Lunch at noon, everyone?')
        a.wait(lambda d: a.unread('*') == 1, 'the broadcast marked unread')

        shots = os.environ.get('PARLEY_SCREENSHOTS')
        if shots:
            target = os.path.join(SOURCE_ROOT, shots)
            b.open('#design')
            a.open('@bob')
            a.open('#design')
            support.set_viewport(a.driver, 1280, 800)
            a.wait(lambda d: a.text('conv-topic') == 'Design reviews and mockups', 'the room header')
            a.driver.save_screenshot(os.path.join(target, 'web-desktop.png'))
            support.set_viewport(b.driver, 390, 844, mobile=True)
            b.wait(lambda d: b.visible('sidebar-toggle') and not b.visible('sidebar'), 'the phone layout')
            b.driver.save_screenshot(os.path.join(target, 'web-phone.png'))
            support.set_viewport(b.driver, 1280, 800)

        # Leaving the room takes it out of the sidebar.
        b.open('#design')
        b.by_id('leave-button').click()
        b.wait(lambda d: not b.find('button.conv[data-key="#design"]'), '#design to leave the sidebar')
        a.wait(lambda d: 'bob left the room' in a.text('message-list'), "bob's leaving in alice's room view")

    def test_02_phone_width_collapses_the_sidebar(self):
        (a,) = self.pages(1)
        support.set_viewport(a.driver, 390, 844, mobile=True)
        a.login('judy')
        self.assertFalse(a.visible('sidebar'))
        a.by_id('sidebar-toggle').click()
        a.wait(lambda d: a.visible('sidebar'), 'the sidebar to open')
        a.type_into('join-room', '#phones')
        a.wait(lambda d: not a.visible('sidebar') and a.text('conv-name') == '#phones', 'the room, sidebar closed')
        a.say('typed on a phone')

    def test_03_browser_and_classic_users_see_each_other(self):
        (a,) = self.pages(1)
        a.login('dave')
        nc = support.ClassicUser(server.classic_port, 'carol', support.USERS['carol'])
        try:
            # Presence: the classic user appears in the browser's online list,
            # and the browser user in the classic user's whoelse.
            a.wait(lambda d: a.find('#online li.user[data-name="carol"]'), 'carol in the online list')
            self.assertIn('dave', support.user_list(nc.command('whoelse')))

            a.message_user('carol')
            a.say('Hello from the browser')
            self.assertIn('dave: Hello from the browser <private message>', nc.read_until('<private message>\n'))
            # Shift+Enter starts a new line; each line goes as a message.
            from selenium.webdriver.common.keys import Keys
            box = a.by_id('composer-text')
            box.send_keys('first line')
            box.send_keys(Keys.SHIFT, Keys.ENTER)
            box.send_keys('second line')
            self.assertEqual(box.get_attribute('value'), 'first line\nsecond line')
            box.send_keys(Keys.ENTER)
            self.assertIn('dave: first line <private message>\n', nc.read_until('second line <private message>\n'))
            a.wait_for_text('second line')

            nc.command('message dave Hello from the terminal')
            a.wait_for_text('Hello from the terminal')
            self.assertEqual(a.messages()[-1][0], 'carol')

            nc.command('broadcast message Hello to everyone')
            a.open('*')
            a.wait_for_text('Hello to everyone')
        finally:
            nc.close()
        a.wait(lambda d: not a.find('#online li.user[data-name="carol"]'), 'carol to leave the online list')

    def test_04_offline_message_is_shown_at_the_next_login(self):
        nc = support.ClassicUser(server.classic_port, 'frank', support.USERS['frank'])
        try:
            out = nc.command('message erin Are you coming tomorrow?')
            self.assertIn('(Receiver erin is currently offline', out)
        finally:
            nc.close()
        (a,) = self.pages(1)
        a.login('erin')
        a.wait(lambda d: a.unread('@frank') == 1, 'the offline message marked unread')
        a.open('@frank')
        a.wait_for_text('Are you coming tomorrow?')
        sender, text, classes = a.messages()[0]
        self.assertEqual((sender, text), ('frank', 'Are you coming tomorrow?'))
        self.assertIn('offline', classes.split())
        self.assertEqual(len(a.find('#message-list li.message .offline-tag')), 1)
        self.assertEqual(a.texts().count('Are you coming tomorrow?'), 1, 'shown once, not again from history')

    def test_05_html_in_messages_is_shown_as_text(self):
        from selenium.common.exceptions import NoAlertPresentException
        a, b = self.pages()
        a.login('grace')
        b.login('heidi')
        for page in (a, b):
            # Would any markup run, an alert would say so here.
            page.driver.execute_script('window.alert = () => { window.alerted = true; };')
        script = '<script>alert(1)</script>'
        image = '<img src=x onerror=alert(1)>'
        bold = '<b>bold?</b> &amp; <i>'
        a.message_user('heidi')
        for text in (script, image, bold):
            a.say(text)
        b.wait(lambda d: b.unread('@grace') == 3, 'three unread messages')
        b.open('@grace')
        b.wait_for_text(bold)
        for page in (a, b):
            self.assertEqual(page.texts(), [script, image, bold])
            self.assertEqual(page.find('#message-list img, #message-list script, #message-list b, #message-list i'),
                             [])
            with self.assertRaises(NoAlertPresentException):
                page.driver.switch_to.alert.text  # noqa: B018 - raises when there is no alert
            self.assertFalse(page.driver.execute_script('return window.alerted === true'))

    def test_06_three_wrong_passwords_show_the_block(self):
        (a,) = self.pages(1)
        a.try_login('ivan', 'wrong-1')
        a.wait(lambda d: a.visible('login-error') and 'invalid' in a.text('login-error').lower(), 'the first refusal')
        self.assertFalse(a.visible('login-block'))
        a.try_login('ivan', 'wrong-2')
        a.try_login('ivan', 'wrong-3')
        a.wait(lambda d: a.visible('login-block'), 'the block')
        self.assertIn('blocked', a.text('login-error'))
        first = int(a.text('login-block-seconds'))
        self.assertTrue(50 <= first <= 60, first)
        a.wait(lambda d: 0 < int(a.text('login-block-seconds')) < first, 'the seconds left to count down')
        # The right password does not lift the block.
        a.try_login('ivan', support.USERS['ivan'])
        a.wait(lambda d: 'blocked' in a.text('login-error') and a.visible('login-block'), 'the block again')
        self.assertFalse(a.visible('chat-screen'))

    def test_07_logout_shows_the_logged_out_screen(self):
        (a,) = self.pages(1)
        a.login('judy')
        a.by_id('logout-button').click()
        a.wait(lambda d: a.visible('bye-screen'), 'the logged-out screen')
        self.assertNotEqual(a.text('bye-text'), '')
        self.assertFalse(a.visible('chat-screen'))

    def test_08_idle_warning_then_logout(self):
        idle = support.Server(PARLEYD, ['--timeout', '10'])
        idle.start()
        try:
            a = Page(drivers[0], on=idle)
            a.login('alice')
            # The warning comes a tenth of the timeout before the logout;
            # a key pressed then keeps the session.
            a.wait(lambda d: a.visible('idle-banner'), 'the idle warning')
            self.assertGreaterEqual(int(a.text('idle-seconds')), 1)
            a.by_id('composer-text').send_keys('x')
            a.wait(lambda d: not a.visible('idle-banner'), 'the warning to go')
            # Then nothing: the server logs the page out and it says so.
            a.wait(lambda d: a.visible('idle-banner'), 'the idle warning again')
            a.wait(lambda d: a.visible('bye-screen'), 'the logged-out screen')
            self.assertIn('inactivity', a.text('bye-text'))
            self.assertEqual(idle.log().count('login user=alice'), 1, 'logged out once, not logged in again')
        finally:
            idle.remove()

    def test_99_the_page_recovers_after_the_server_restarts(self):
        a, b = self.pages()
        a.login('alice')
        b.login('bob')
        a.message_user('bob')
        a.say('a private word before the restart')
        a.join('#restarts')
        b.join('#restarts')
        a.say('before the restart')
        b.wait_for_text('before the restart')

        # A crash, then an orderly shutdown (`bye` with reason "shutdown").
        for stop, n in ((server.kill, 1), (server.stop, 2)):
            stop()
            for page in (a, b):
                page.wait(lambda d, p=page: 'Reconnecting' in p.status() and not p.ready(), 'the reconnecting status')
            server.start()
            for page in (a, b):
                page.wait(lambda d, p=page: p.ready() and p.status() == '', 'the page to reconnect', timeout=30)
            a.say(f'after restart {n}')
            b.wait_for_text(f'after restart {n}')
            b.say(f'and back again {n}')
            a.wait_for_text(f'and back again {n}')

        expected = ['before the restart', 'after restart 1', 'and back again 1', 'after restart 2', 'and back again 2']
        for page in (a, b):
            self.assertEqual(page.texts(), expected, 'every message once, in order')
        b.open('@alice')
        b.wait_for_text('a private word before the restart')
        self.assertEqual(b.texts().count('a private word before the restart'), 1, 'once, after two catch-ups')


def main():
    global PARLEYD
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    PARLEYD = os.path.abspath(sys.argv.pop(1))
    missing = support.missing_prerequisites()
    if missing:
        # Not a skip: scripts/install-deps installs them.
        sys.exit(f'FAILED: missing {missing}; {support.INSTALL_HINT}')
    unittest.main(verbosity=2)


if __name__ == '__main__':
    main()
