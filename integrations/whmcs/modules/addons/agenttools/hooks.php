<?php
/**
 * Agent Tools for WHMCS: the hooks the module listens to, forwarded as signed events.
 *
 * WHMCS loads this file while the addon is active. Each hook hands WHMCS's variables to the
 * module (POST /modules/addons/agenttools/events) in the shape the module's own hooks take; the
 * event id names the fact (this invoice paid, this refund), so that a hook fired twice is done
 * once. A validation hook waits for the module's answer and shows its messages on the form.
 *
 * @see https://developers.whmcs.com/hooks/
 */

use WHMCS\Module\Addon\AgentTools\Client;
use WHMCS\Module\Addon\AgentTools\Events;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

require_once __DIR__ . '/lib/Settings.php';
require_once __DIR__ . '/lib/Client.php';
require_once __DIR__ . '/lib/Events.php';

function agenttools_events()
{
    return new Events(Client::fromSettings());
}

/** The signed-in client of this request (WHMCS 8's current user, or the classic session). */
function agenttools_session_client()
{
    return isset($_SESSION['uid']) ? (int) $_SESSION['uid'] : 0;
}

add_hook('ClientAdd', 1, function (array $vars) {
    $clientId = (int) (isset($vars['client_id']) ? $vars['client_id'] : $vars['userid']);
    $data = [
        'client_id' => $clientId,
        'user_id' => (int) (isset($vars['user_id']) ? $vars['user_id'] : $clientId),
        'email' => (string) $vars['email'],
        'firstname' => (string) $vars['firstname'],
        'lastname' => (string) $vars['lastname'],
    ];
    $code = Events::posted('referral_code');
    if ($code !== null) {
        $data['referral_code'] = $code;
    }
    agenttools_events()->send('ClientAdd', 'whmcs-ClientAdd-' . $clientId, $data, Events::requestContext());
});

add_hook('InvoicePaid', 1, function (array $vars) {
    $invoiceId = (int) $vars['invoiceid'];
    agenttools_events()->send('InvoicePaid', 'whmcs-InvoicePaid-' . $invoiceId, ['invoiceid' => $invoiceId]);
});

add_hook('InvoiceRefunded', 1, function (array $vars) {
    $invoiceId = (int) $vars['invoiceid'];
    $data = ['invoiceid' => $invoiceId];
    // WHMCS names the invoice only: the refund itself is the invoice's latest money out.
    $invoice = localAPI('GetInvoice', ['invoiceid' => $invoiceId]);
    $refund = null;
    $transactions = isset($invoice['transactions']['transaction']) ? $invoice['transactions']['transaction'] : [];
    foreach ($transactions as $t) {
        if ((float) $t['amountout'] > 0) {
            $refund = $t;
        }
    }
    $key = 'whole';
    if ($refund !== null) {
        $client = localAPI('GetClientsDetails', ['clientid' => (int) $invoice['userid'], 'stats' => false]);
        $code = isset($client['client']['currency_code']) ? $client['client']['currency_code'] : $client['currency_code'];
        $key = (string) $refund['id'];
        $data['refund_id'] = 'whmcs-' . $key;
        $data['amount_minor'] = Events::minorUnits($refund['amountout'], $code);
    }
    agenttools_events()->send('InvoiceRefunded', 'whmcs-InvoiceRefunded-' . $invoiceId . '-' . $key, $data);
});

add_hook('ClientClose', 1, function (array $vars) {
    $clientId = (int) $vars['userid'];
    agenttools_events()->send('ClientClose', 'whmcs-ClientClose-' . $clientId . '-' . gmdate('YmdHis'), ['userid' => $clientId]);
});

add_hook('DailyCronJob', 1, function (array $vars) {
    agenttools_events()->send('DailyCronJob', 'whmcs-DailyCronJob-' . gmdate('Y-m-d'), []);
});

add_hook('ShoppingCartValidateCheckout', 1, function (array $vars) {
    $clientId = isset($vars['userid']) ? (int) $vars['userid'] : agenttools_session_client();
    if ($clientId <= 0) {
        return [];
    }
    $data = ['userid' => $clientId];
    $code = Events::posted('referral_code');
    if ($code !== null) {
        $data['referral_code'] = $code;
    }
    $domain = Events::posted('domain');
    if ($domain !== null) {
        $data['domain'] = $domain;
    }
    // A question, not a fact: each checkout attempt is asked anew.
    $answer = agenttools_events()->send('ShoppingCartValidateCheckout', 'whmcs-Validate-' . bin2hex(random_bytes(12)), $data);
    $errors = isset($answer['errors']) && is_array($answer['errors']) ? $answer['errors'] : [];
    return array_values(array_map('strval', $errors));
});

add_hook('AfterShoppingCartCheckout', 1, function (array $vars) {
    $orderId = (int) $vars['OrderID'];
    $clientId = isset($vars['ClientID']) ? (int) $vars['ClientID'] : 0;
    if ($clientId <= 0) {
        // WHMCS's variables name the order and its invoice, not the client: the order does.
        $orders = localAPI('GetOrders', ['id' => $orderId]);
        $clientId = isset($orders['orders']['order'][0]['userid']) ? (int) $orders['orders']['order'][0]['userid'] : agenttools_session_client();
    }
    if ((int) $vars['InvoiceID'] <= 0) {
        // A free order has no invoice: nothing to earn on, and the event needs one.
        return;
    }
    $data = ['OrderID' => $orderId, 'InvoiceID' => (int) $vars['InvoiceID'], 'ClientID' => $clientId];
    $code = Events::posted('referral_code');
    if ($code !== null) {
        $data['referral_code'] = $code;
    }
    $domain = Events::posted('domain');
    if ($domain !== null) {
        $data['domain'] = $domain;
    }
    agenttools_events()->send('AfterShoppingCartCheckout', 'whmcs-AfterShoppingCartCheckout-' . $orderId, $data, Events::requestContext());
});
