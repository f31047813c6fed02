<?php

namespace WHMCS\Module\Addon\AgentTools;

/**
 * WHMCS's hook variables, sent to the module as the events its own hooks take
 * (POST /modules/addons/agenttools/events), each signed and named by an id that is the same
 * each time WHMCS tells the same fact: fired twice, the module does its work once.
 */
class Events
{
    /** Tries per event: a module restarting, or busy with the same event on another node (409). */
    const ATTEMPTS = 3;

    /** @var Client */
    private $client;

    public function __construct(Client $client)
    {
        $this->client = $client;
    }

    /**
     * Sends one event; the module's answer (its `errors` for a validation event), or null when
     * it could not be delivered, which is logged in WHMCS's activity log.
     *
     * @param array<string, mixed> $data
     * @param array<string, mixed>|null $context
     * @return array<string, mixed>|null
     */
    public function send($type, $id, array $data, $context = null)
    {
        if (!$this->client->configured()) {
            logActivity('Agent Tools: ' . $type . ' not sent, the module URL or source secret is not set');
            return null;
        }
        $event = ['type' => $type, 'timestamp' => gmdate('Y-m-d\TH:i:s\Z'), 'data' => (object) $data];
        if ($context !== null) {
            $event['context'] = $context;
        }
        $body = json_encode($event, JSON_UNESCAPED_SLASHES);
        $last = '';
        for ($attempt = 1; $attempt <= self::ATTEMPTS; $attempt++) {
            // Signed anew each try: the timestamp must be within five minutes of the module's clock.
            $headers = $this->client->signatureHeaders($id, $body) + ['content-type' => 'application/json'];
            list($status, , $answer) = $this->client->request('POST', '/modules/addons/agenttools/events', $body, $headers);
            if ($status === 200) {
                $decoded = json_decode($answer, true);
                return is_array($decoded) ? $decoded : [];
            }
            $last = $status . ' ' . substr($answer, 0, 300);
            // A refusal (400, 401) will be refused again; a module away or busy (0, 409, 5xx) may answer later.
            if ($status >= 400 && $status < 500 && $status !== 409) {
                break;
            }
            if ($attempt < self::ATTEMPTS) {
                usleep(200000 * $attempt);
            }
        }
        logActivity('Agent Tools: ' . $type . ' ' . $id . ' not delivered: ' . $last);
        return null;
    }

    /** The visitor's Agent Tools cookies (referral, device), which the module set on this site. */
    public static function requestContext()
    {
        $cookies = [];
        foreach ($_COOKIE as $name => $value) {
            if (strpos((string) $name, 'agenttools_') === 0 && is_string($value)) {
                $cookies[(string) $name] = $value;
            }
        }
        $context = ['cookies' => (object) $cookies];
        if (isset($_SERVER['REMOTE_ADDR'])) {
            $context['ip'] = (string) $_SERVER['REMOTE_ADDR'];
        }
        if (isset($_SERVER['HTTP_USER_AGENT'])) {
            $context['user_agent'] = substr((string) $_SERVER['HTTP_USER_AGENT'], 0, 512);
        }
        return $context;
    }

    /** A field the visitor typed, if the form has it (WHMCS itself has no referral code field). */
    public static function posted($name)
    {
        return isset($_POST[$name]) && is_string($_POST[$name]) && $_POST[$name] !== '' ? $_POST[$name] : null;
    }

    /** Digits after the decimal point of a currency (ISO 4217); WHMCS keeps every amount with two. */
    public static function exponent($code)
    {
        $none = ['BIF', 'CLP', 'DJF', 'GNF', 'ISK', 'JPY', 'KMF', 'KRW', 'PYG', 'RWF', 'UGX', 'UYI', 'VND', 'VUV', 'XAF', 'XOF', 'XPF'];
        $three = ['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND'];
        if (in_array($code, $none, true)) {
            return 0;
        }
        return in_array($code, $three, true) ? 3 : 2;
    }

    /** "12.50" in minor units of the currency, exactly (no float). */
    public static function minorUnits($amount, $code)
    {
        $exp = self::exponent($code);
        $parts = explode('.', trim((string) $amount), 2);
        $frac = substr(str_pad(isset($parts[1]) ? $parts[1] : '', $exp, '0'), 0, $exp);
        return (int) ($parts[0] . $frac);
    }
}
