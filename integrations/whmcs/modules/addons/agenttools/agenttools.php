<?php
/**
 * Agent Tools for WHMCS: the addon module.
 *
 * Agent Tools runs as its own service beside WHMCS (see docs/whmcs.md). This addon connects the
 * two: hooks.php sends WHMCS's events to it, signed with this installation's source secret; the
 * client-area page (index.php?m=agenttools) and the admin page (addonmodules.php?module=agenttools)
 * show the module's pages in WHMCS's layout; the module reads clients, invoices and products
 * through WHMCS's API with a credential made for it.
 *
 * @see https://developers.whmcs.com/addon-modules/
 */

use WHMCS\Module\Addon\AgentTools\Client;
use WHMCS\Module\Addon\AgentTools\PageProxy;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

require_once __DIR__ . '/lib/Settings.php';
require_once __DIR__ . '/lib/Client.php';
require_once __DIR__ . '/lib/PageProxy.php';

function agenttools_config()
{
    return [
        'name' => 'Agent Tools',
        'description' => 'Agent, affiliate and partner programs: referral links, commissions on a ledger, withdrawals, service managers.',
        'author' => 'Agent Tools',
        'language' => 'english',
        'version' => '0.1.0',
        'fields' => [
            'module_url' => [
                'FriendlyName' => 'Module URL',
                'Type' => 'text',
                'Size' => '60',
                'Default' => 'http://127.0.0.1:3100',
                'Description' => 'Where the Agent Tools service answers, as this server reaches it',
            ],
            'source_secret' => [
                'FriendlyName' => 'Source secret',
                'Type' => 'password',
                'Size' => '60',
                'Default' => '',
                'Description' => 'whsec_… shown once when the event source was made in Agent Tools',
            ],
            'timeout' => [
                'FriendlyName' => 'Timeout (seconds)',
                'Type' => 'text',
                'Size' => '5',
                'Default' => '10',
                'Description' => 'How long a hook or page waits for the module',
            ],
        ],
    ];
}

/** The module keeps its own tables in its own database: nothing to create in WHMCS's. */
function agenttools_activate()
{
    return [
        'status' => 'success',
        'description' => 'Agent Tools is active. Set the module URL and source secret under Configure, then give the admin role access.',
    ];
}

/** Events stop; the module keeps every agent's data. */
function agenttools_deactivate()
{
    return ['status' => 'success', 'description' => 'Agent Tools is inactive: WHMCS no longer sends it events. Its data is kept.'];
}

function agenttools_upgrade($vars)
{
    // The module's tables are migrated by the module itself when it starts.
}

/** The current admin, for the module's admin pages. */
function agenttools_admin_identity()
{
    $adminId = isset($_SESSION['adminid']) ? (int) $_SESSION['adminid'] : 0;
    $details = localAPI('GetAdminDetails', []);
    return [
        'area' => 'admin',
        'admin_id' => $adminId,
        'username' => isset($details['name']) ? (string) $details['name'] : ('admin' . $adminId),
        // The admin's own language (Setup > Staff > My Account), for the module's admin pages.
        'language' => isset($details['language']) && $details['language'] !== '' ? strtolower((string) $details['language']) : null,
        'csrf' => generate_token('plain'),
    ];
}

function agenttools_output($vars)
{
    $lang = $vars['_lang'];
    $query = $_GET;
    $path = '/admin/addonmodules.php?' . http_build_query($query);
    $method = $_SERVER['REQUEST_METHOD'] === 'POST' ? 'POST' : 'GET';
    if (PageProxy::uploadTooLarge($_FILES)) {
        echo '<div class="alert alert-danger">' . htmlspecialchars($lang['too_large']) . '</div>';
        return;
    }
    $proxy = PageProxy::fromSettings();
    list($status, $headers, $body) = $proxy->forward(agenttools_admin_identity(), $method, $path, $_POST, $_FILES);
    $page = $proxy->page($status, $headers, $body);
    if ($page === null) {
        // 413: the module reads no body over its limit (a file over the module's largest).
        echo '<div class="alert alert-danger">' . htmlspecialchars($lang[$status === 413 ? 'too_large' : 'unreachable']) . '</div>';
        return;
    }
    if (isset($page['redirect'])) {
        // The module's admin addresses are /admin/addonmodules.php?…: this page, in whichever admin folder.
        header('Location: ' . preg_replace('#^.*/addonmodules\.php#', 'addonmodules.php', $page['redirect']), true, 303);
        exit;
    }
    if (isset($page['file'])) {
        agenttools_send_file($page);
    }
    echo '<h2>' . htmlspecialchars((string) $page['title']) . '</h2>' . $page['html'];
}

function agenttools_clientarea($vars)
{
    $lang = $vars['_lang'];
    $clientId = isset($_SESSION['uid']) ? (int) $_SESSION['uid'] : 0;
    $base = ['templatefile' => 'page', 'requirelogin' => true, 'breadcrumb' => ['index.php?m=agenttools' => 'Agent Tools']];
    if ($clientId <= 0) {
        return $base + ['pagetitle' => 'Agent Tools', 'vars' => ['agenttools_html' => '']];
    }
    $details = localAPI('GetClientsDetails', ['clientid' => $clientId, 'stats' => false]);
    $client = isset($details['client']) ? $details['client'] : $details;
    $identity = [
        'area' => 'client',
        'client_id' => $clientId,
        'user_id' => isset($_SESSION['userid']) ? (int) $_SESSION['userid'] : $clientId,
        'email' => (string) $client['email'],
        'name' => trim($client['firstname'] . ' ' . $client['lastname']),
        'language' => agenttools_client_language($client),
        'csrf' => generate_token('plain'),
    ];
    $method = $_SERVER['REQUEST_METHOD'] === 'POST' ? 'POST' : 'GET';
    if (PageProxy::uploadTooLarge($_FILES)) {
        return $base + ['pagetitle' => 'Agent Tools', 'vars' => ['agenttools_html' => '<div class="alert alert-danger">' . htmlspecialchars($lang['too_large']) . '</div>']];
    }
    $proxy = PageProxy::fromSettings();
    list($status, $headers, $body) = $proxy->forward($identity, $method, '/index.php?' . http_build_query($_GET), $_POST, $_FILES);
    $page = $proxy->page($status, $headers, $body);
    if ($page === null) {
        // 413: the module reads no body over its limit (a file over the module's largest).
        $message = $lang[$status === 413 ? 'too_large' : 'unreachable'];
        return $base + ['pagetitle' => 'Agent Tools', 'vars' => ['agenttools_html' => '<div class="alert alert-danger">' . htmlspecialchars($message) . '</div>']];
    }
    if (isset($page['redirect'])) {
        header('Location: ' . ltrim($page['redirect'], '/'), true, 303);
        exit;
    }
    if (isset($page['file'])) {
        agenttools_send_file($page);
    }
    $crumbs = [];
    foreach ($page['breadcrumb'] as $crumb) {
        $crumbs[isset($crumb['href']) ? ltrim($crumb['href'], '/') : ''] = $crumb['label'];
    }
    return [
        'pagetitle' => (string) $page['title'],
        'breadcrumb' => $crumbs,
        'templatefile' => 'page',
        'requirelogin' => true,
        // Made by the module's templates, which escape every value.
        'vars' => ['agenttools_html' => (string) $page['html']],
    ];
}

/**
 * The language to show this client the module's pages in, or null to let the module choose.
 *
 * The module picks a reader's language as: chosen on its own pages, then this one, then the
 * client's setting, then the program's language for its agents (module/agents/reader-language.ts).
 * WHMCS may keep its system default language in $_SESSION['Language'] for every visitor, so
 * passing the session's language on as it is would name that default for everyone and hide the
 * program's language. So: the client's own stored setting when they have one; else the session's
 * language only when it differs from the system default (the client chose it with ?language=);
 * else nothing.
 *
 * @param array<string, mixed> $client GetClientsDetails's client
 */
function agenttools_client_language(array $client)
{
    $own = isset($client['language']) ? strtolower(trim((string) $client['language'])) : '';
    if ($own !== '') {
        return $own;
    }
    $session = isset($_SESSION['Language']) ? strtolower(trim((string) $_SESSION['Language'])) : '';
    if ($session === '') {
        return null;
    }
    $default = class_exists('WHMCS\\Config\\Setting') ? strtolower(trim((string) \WHMCS\Config\Setting::getValue('Language'))) : '';
    return $session !== $default ? $session : null;
}

function agenttools_send_file(array $page)
{
    header('Content-Type: ' . $page['type']);
    if ($page['disposition'] !== null) {
        header('Content-Disposition: ' . $page['disposition']);
    }
    echo $page['file'];
    exit;
}
