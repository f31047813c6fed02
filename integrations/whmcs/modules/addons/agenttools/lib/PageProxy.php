<?php

namespace WHMCS\Module\Addon\AgentTools;

/**
 * The module's pages inside WHMCS: the addon's client-area page (index.php?m=agenttools) and
 * admin page (addonmodules.php?module=agenttools) pass the request on to the module, with who is
 * signed in and the session's CSRF token in a signed header, and show the page it answers in
 * WHMCS's own layout. The module's links and forms use these same WHMCS addresses.
 */
class PageProxy
{
    const IDENTITY_HEADER = 'x-agenttools-bridge';

    /** @var Client */
    private $client;

    public function __construct(Client $client)
    {
        $this->client = $client;
    }

    public static function fromSettings()
    {
        return new self(Client::fromSettings());
    }

    /**
     * One request to the module; [status, headers, body].
     *
     * @param array<string, mixed> $identity
     */
    public function forward(array $identity, $method, $path, array $form)
    {
        $identityHeader = base64_encode(json_encode($identity, JSON_UNESCAPED_SLASHES));
        $body = $method === 'GET' ? '' : http_build_query($form);
        // Signed over who, what and the form: a request the browser changed on its way here fails.
        $signed = $identityHeader . "\n" . $method . ' ' . $path . "\n" . $body;
        $id = 'page_' . bin2hex(random_bytes(12));
        $headers = $this->client->signatureHeaders($id, $signed) + [
            self::IDENTITY_HEADER => $identityHeader,
            'content-type' => 'application/x-www-form-urlencoded',
            'accept' => 'application/json',
        ];
        return $this->client->request($method, $path, $body, $headers);
    }

    /** The page as JSON ({title, breadcrumb, html}), or null for a redirect or a file (already sent). */
    public function page($status, array $headers, $body)
    {
        if ($status >= 300 && $status < 400 && isset($headers['location'])) {
            return ['redirect' => $headers['location']];
        }
        $type = isset($headers['content-type']) ? $headers['content-type'] : '';
        if ($status > 0 && strpos($type, 'application/json') === 0) {
            $page = json_decode($body, true);
            if (is_array($page) && isset($page['html'])) {
                return $page;
            }
        }
        if ($status >= 200 && $status < 300 && $type !== '') {
            // A download (an export, an image): passed through as it came.
            return ['file' => $body, 'type' => $type, 'disposition' => isset($headers['content-disposition']) ? $headers['content-disposition'] : null];
        }
        return null;
    }
}
