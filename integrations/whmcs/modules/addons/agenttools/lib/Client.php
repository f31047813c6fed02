<?php

namespace WHMCS\Module\Addon\AgentTools;

/**
 * HTTP to the Agent Tools module, signed the Standard Webhooks way with this WHMCS's source
 * secret: webhook-signature = v1,base64(HMAC-SHA256(key, "<id>.<timestamp>.<body>")), the key
 * being the base64 after "whsec_".
 */
class Client
{
    /** @var string */
    private $baseUrl;
    /** @var string */
    private $secret;
    /** @var int */
    private $timeout;

    public function __construct($baseUrl, $secret, $timeout = 10)
    {
        $this->baseUrl = rtrim($baseUrl, '/');
        $this->secret = $secret;
        $this->timeout = (int) $timeout;
    }

    public static function fromSettings()
    {
        return new self(Settings::moduleUrl(), Settings::get('source_secret'), (int) Settings::get('timeout', '10'));
    }

    public function configured()
    {
        return $this->baseUrl !== '' && strpos($this->secret, 'whsec_') === 0;
    }

    /** @return array<string, string> the three headers, for a message with this id and body */
    public function signatureHeaders($id, $body)
    {
        $timestamp = (string) time();
        $key = base64_decode(substr($this->secret, strlen('whsec_')), true);
        $mac = base64_encode(hash_hmac('sha256', $id . '.' . $timestamp . '.' . $body, $key === false ? '' : $key, true));
        return ['webhook-id' => $id, 'webhook-timestamp' => $timestamp, 'webhook-signature' => 'v1,' . $mac];
    }

    /**
     * One request; the answer as [status, headers (lower-case names), body]. Status 0 when the
     * module could not be reached (the message is in the body).
     *
     * @param array<string, string> $headers
     * @return array{0: int, 1: array<string, string>, 2: string}
     */
    public function request($method, $path, $body, array $headers)
    {
        $lines = [];
        foreach ($headers as $name => $value) {
            $lines[] = $name . ': ' . $value;
        }
        $received = [];
        $ch = curl_init($this->baseUrl . $path);
        curl_setopt_array($ch, [
            CURLOPT_CUSTOMREQUEST => $method,
            CURLOPT_RETURNTRANSFER => true,
            CURLOPT_FOLLOWLOCATION => false,
            CURLOPT_CONNECTTIMEOUT => 3,
            CURLOPT_TIMEOUT => $this->timeout,
            CURLOPT_HTTPHEADER => $lines,
            CURLOPT_HEADERFUNCTION => function ($ch, $line) use (&$received) {
                $parts = explode(':', $line, 2);
                if (count($parts) === 2) {
                    $received[strtolower(trim($parts[0]))] = trim($parts[1]);
                }
                return strlen($line);
            },
        ]);
        if ($method !== 'GET') {
            curl_setopt($ch, CURLOPT_POSTFIELDS, $body);
        }
        $answer = curl_exec($ch);
        $status = (int) curl_getinfo($ch, CURLINFO_RESPONSE_CODE);
        $error = curl_error($ch);
        curl_close($ch);
        if ($answer === false) {
            return [0, [], $error];
        }
        return [$status, $received, (string) $answer];
    }
}
