/// The pages' stylesheet and scripts, written for Mirror and compiled into the binary. The
/// scripts only enhance: every page works without them.
enum WebAssets {
    /// Dynamic's headless browser SDK, pinned, from a public ESM CDN (named in the CSP when
    /// DYNAMIC_ENVIRONMENT_ID is set).
    static let dynamicCDNOrigin = "https://esm.sh"
    static let dynamicSDKURL = "https://esm.sh/@dynamic-labs-sdk/client@0.1.1"
    /// Where the SDK talks to Dynamic.
    static let dynamicAPIOrigin = "https://app.dynamicauth.com"

    /// The tab icon (a mirrored triangle), so browsers do not ask for a missing /favicon.ico.
    static let icon = """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#0d1117"/>\
        <path d="M6 24 L15 8 L15 24 Z" fill="#ffffff"/><path d="M17 24 L17 8 L26 24 Z" fill="#54aeff"/></svg>
        """

    static let css = """
        :root { --ink: #1b1f24; --muted: #57606a; --line: #d0d7de; --bg: #f6f8fa; --card: #fff; --accent: #0a58ca;
          --ok: #116329; --warn: #7d4e00; --bad: #a40e26; --focus: #ffbf47; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
        a { color: var(--accent); }
        a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, summary:focus-visible {
          outline: 3px solid var(--focus); outline-offset: 2px; }
        .skip { position: absolute; left: -999px; top: 0; background: var(--card); padding: .5rem; }
        .skip:focus { left: .5rem; }
        .visually-hidden { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; border: 0; overflow: hidden;
          clip: rect(0 0 0 0); white-space: nowrap; }
        header.top { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1rem; padding: .75rem 1rem; background: #0d1117; color: #fff; }
        header.top a { color: #fff; }
        .brand { font-weight: 700; font-size: 1.2rem; text-decoration: none; }
        nav ul { display: flex; flex-wrap: wrap; gap: .25rem .9rem; list-style: none; margin: 0; padding: 0; }
        nav a[aria-current="page"] { font-weight: 700; text-decoration-thickness: 3px; }
        .signout { margin-left: auto; }
        .linklike { background: none; border: 0; color: inherit; text-decoration: underline; cursor: pointer; font: inherit; padding: 0; }
        main { max-width: 70rem; margin: 0 auto; padding: 1rem; }
        h1 { font-size: 1.6rem; margin: .5rem 0 1rem; }
        h2 { font-size: 1.15rem; margin: 0 0 .5rem; }
        h3 { font-size: 1rem; margin: 1rem 0 .25rem; }
        footer { color: var(--muted); text-align: center; font-size: .85rem; padding: 1rem; }
        .card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 1rem; margin: 0 0 1rem; }
        .tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(10rem, 1fr)); gap: .75rem; margin-bottom: 1rem; }
        .tile { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: .75rem 1rem; }
        .tile h2 { font-size: .9rem; color: var(--muted); font-weight: 600; }
        .big { font-size: 1.5rem; font-weight: 700; margin: 0; }
        .gain { color: var(--ok); } .loss { color: var(--bad); }
        .hint { color: var(--muted); font-size: .9rem; margin: .1rem 0; }
        .address, code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .9em; overflow-wrap: anywhere; }
        .badge { border-radius: 999px; padding: .1rem .6rem; font-size: .8rem; font-weight: 700; }
        .badge-paper { background: #fff8c5; color: #3b2300; } .badge-live { background: #ffebe9; color: var(--bad); }
        .badge-operator, .badge-simulated { background: #ddf4ff; color: #0a3069; }
        .status { display: inline-block; border-radius: 4px; padding: 0 .4rem; font-size: .85rem; font-weight: 600; background: #eaeef2; }
        .status-ok { background: #dafbe1; color: var(--ok); } .status-warn { background: #fff8c5; color: var(--warn); }
        .status-bad { background: #ffebe9; color: var(--bad); }
        .banner { border-radius: 8px; padding: .75rem 1rem; margin-bottom: 1rem; border: 1px solid; }
        .banner-ok { background: #dafbe1; border-color: #4ac26b; } .banner-warn { background: #fff8c5; border-color: #d4a72c; }
        .notice { max-width: 70rem; margin: 1rem auto 0; padding: .75rem 1rem; background: #ddf4ff; border: 1px solid #54aeff; border-radius: 8px; }
        .error-box { background: #ffebe9; border: 1px solid #ff8182; border-radius: 8px; padding: .75rem 1rem; }
        .stack { display: flex; flex-direction: column; gap: .75rem; align-items: flex-start; }
        .stack > * { max-width: 100%; }
        .card form + form { margin-top: 1.25rem; }
        fieldset { border: 1px solid var(--line); border-radius: 8px; padding: .75rem 1rem; margin: 0; width: 100%; min-width: 0; }
        legend { font-weight: 600; padding: 0 .25rem; }
        .field { display: flex; flex-direction: column; gap: .2rem; margin-bottom: .5rem; max-width: 32rem; }
        .field label { font-weight: 600; }
        select { width: 100%; }
        input, select { font: inherit; padding: .45rem .55rem; border: 1px solid #8c959f; border-radius: 6px; max-width: 100%; background: #fff; }
        input[type=text], input[type=password], input[type=email] { width: 32rem; }
        .has-error input, .has-error select { border-color: var(--bad); border-width: 2px; }
        .error { color: var(--bad); font-weight: 600; margin: 0; }
        .choice { display: flex; gap: .5rem; align-items: center; margin: .25rem 0; }
        button, .button { font: inherit; padding: .5rem 1rem; border-radius: 6px; border: 1px solid #8c959f; background: #f6f8fa;
          color: var(--ink); cursor: pointer; text-decoration: none; display: inline-block; }
        button.primary, .button { background: var(--accent); border-color: var(--accent); color: #fff; }
        button.danger { background: var(--bad); border-color: var(--bad); color: #fff; }
        .danger-link { color: var(--bad); font-weight: 600; }
        form.inline { display: inline-block; margin: 0 .5rem .5rem 0; }
        .filters { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: flex-end; margin-bottom: 1rem; }
        .filters .field { margin: 0; flex: 1 1 9rem; min-width: 0; }
        .actions { display: flex; flex-wrap: wrap; gap: .5rem 1rem; list-style: none; padding: 0; margin: .5rem 0 0; }
        .plain { list-style: none; padding: 0; margin: .25rem 0; }
        .plain li { padding: .15rem 0; }
        .table-scroll { overflow-x: auto; position: relative; }
        .table-scroll + h2, .table-scroll + h3 { margin-top: 1.25rem; }
        table { border-collapse: collapse; width: 100%; background: var(--card); }
        caption { text-align: left; font-weight: 600; padding: .25rem 0; }
        th, td { text-align: left; padding: .4rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
        .facts { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; margin: 0; }
        .facts dt { font-weight: 600; } .facts dd { margin: 0; }
        .chart-wrap { display: grid; grid-template-columns: 2fr 1fr; gap: 1rem; align-items: start; }
        .chart-wrap figure { margin: 0; }
        .chart-wrap svg { width: 100%; height: auto; }
        @media (max-width: 40rem) {
          .chart-wrap { grid-template-columns: 1fr; }
          input[type=text], input[type=password], input[type=email] { width: 100%; }
          .signout { margin-left: 0; }
          th, td { padding: .35rem .3rem; font-size: .9rem; }
          .wide-only { display: none; }
        }
        """

    /// Live updates: listens to `/app/events` (Server-Sent Events; the browser resumes with
    /// Last-Event-ID by itself) and, when something changed, reloads the page's live region in
    /// place. Without JavaScript the pages are simply static until reloaded.
    static let appJS = """
        (function () {
          'use strict';
          var main = document.querySelector('main[data-live]');
          if (!main || !window.EventSource || !window.fetch) { return; }
          var busy = false, again = false;
          function refresh() {
            if (busy) { again = true; return; }
            busy = true;
            fetch(window.location.href, { credentials: 'same-origin' })
              .then(function (response) { return response.ok ? response.text() : null; })
              .then(function (html) {
                if (!html) { return; }
                var fresh = new DOMParser().parseFromString(html, 'text/html');
                var regions = main.querySelectorAll('[data-live-region]');
                var replacements = fresh.querySelectorAll('main [data-live-region]');
                for (var i = 0; i < regions.length && i < replacements.length; i++) {
                  regions[i].replaceWith(document.importNode(replacements[i], true));
                }
              })
              .catch(function () {})
              .then(function () { busy = false; if (again) { again = false; refresh(); } });
          }
          var source = new EventSource('/app/events');
          source.addEventListener('change', refresh);
        })();
        """

    /// The Dynamic sign-in: email one-time code through Dynamic's headless SDK, then the JWT is
    /// posted to `/sign-in/dynamic`, which verifies it as the API does.
    static let dynamicJS = """
        const section = document.getElementById('dynamic-sign-in');
        const status = document.getElementById('dynamic-status');
        if (section) {
          const say = (text) => { status.textContent = text; };
          try {
            const sdk = await import(section.dataset.sdkUrl);
            const client = sdk.createDynamicClient({ environmentId: section.dataset.environmentId,
              metadata: { name: 'Mirror', url: window.location.origin } });
            let verification = null;
            document.getElementById('dynamic-email').addEventListener('submit', async (event) => {
              event.preventDefault();
              say('Sending a code…');
              try {
                verification = await sdk.sendEmailOTP({ email: event.target.email.value });
                document.getElementById('dynamic-code').hidden = false;
                document.getElementById('dynamic-code-value').focus();
                say('We emailed you a code.');
              } catch (error) { say('The code could not be sent. Check the address and try again.'); }
            });
            document.getElementById('dynamic-code').addEventListener('submit', async (event) => {
              event.preventDefault();
              say('Checking the code…');
              try {
                const code = event.target.code.value;
                await sdk.verifyOTP({ otpVerification: verification, otp: code, verificationToken: code });
                const token = client.token || (typeof sdk.getJwt === 'function' ? await sdk.getJwt() : null);
                if (!token) { throw new Error('no token'); }
                const form = document.getElementById('dynamic-token');
                form.token.value = token;
                form.submit();
              } catch (error) { say('That code did not work. Try again.'); }
            });
          } catch (error) {
            say('Dynamic sign-in could not load. Check your connection and reload.');
          }
        }
        """
}
