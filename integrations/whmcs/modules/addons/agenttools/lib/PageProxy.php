<?php

namespace WHMCS\Module\Addon\AgentTools;

/**
 * The module's pages inside WHMCS: the addon's client-area page (index.php?m=agenttools) and
 * admin page (addonmodules.php?module=agenttools) pass the request on to the module, with who is
 * signed in and the session's CSRF token in a signed header, and show the page it answers in
 * WHMCS's own layout. The module's links and forms use these same WHMCS addresses.
 *
 * A file the browser uploaded with the form (PHP's $_FILES) travels inside the same signed
 * urlencoded body, as a reserved field FILE_FIELD_PREFIX . <field> holding JSON
 * {name, type, data: base64url of the bytes}: the signature then covers the file too, and the
 * module's bridge (integrations/whmcs/host/bridge-http.ts) reads it back as an upload.
 */
class PageProxy
{
    const IDENTITY_HEADER = 'x-agenttools-bridge';
    /** Keep in step with FILE_FIELD_PREFIX in integrations/whmcs/host/bridge-http.ts. */
    const FILE_FIELD_PREFIX = '__agenttools_file__';

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
     * @param array<string, mixed> $files PHP's $_FILES for this request
     */
    public function forward(array $identity, $method, $path, array $form, array $files = [])
    {
        $identityHeader = base64_encode(json_encode($identity, JSON_UNESCAPED_SLASHES));
        $body = $method === 'GET' ? '' : http_build_query(self::withFiles($form, $files));
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

    /**
     * The form with each uploaded file in its reserved field. A field of that name the browser
     * sent itself is dropped: only a file PHP received as an upload is passed on as one.
     *
     * @param array<string, mixed> $form
     * @param array<string, mixed> $files
     * @return array<string, mixed>
     */
    public static function withFiles(array $form, array $files)
    {
        foreach (array_keys($form) as $key) {
            if (strpos((string) $key, self::FILE_FIELD_PREFIX) === 0) {
                unset($form[$key]);
            }
        }
        foreach ($files as $field => $file) {
            // One file per field (name="certificate"); a field of several (name="files[]") comes
            // as arrays, which the module's forms do not use. A failed or empty upload is no file.
            if (!is_array($file) || !isset($file['tmp_name'], $file['error'], $file['name']) || !is_string($file['tmp_name'])) {
                continue;
            }
            if ((int) $file['error'] !== UPLOAD_ERR_OK || !is_uploaded_file($file['tmp_name'])) {
                continue;
            }
            $data = file_get_contents($file['tmp_name']);
            if ($data === false || $data === '') {
                continue;
            }
            // base64url: urlencoding leaves it as it is, so a 5 MB file stays under 7 MB on the way.
            $form[self::FILE_FIELD_PREFIX . $field] = json_encode([
                'name' => (string) $file['name'],
                'type' => isset($file['type']) ? (string) $file['type'] : '',
                'data' => rtrim(strtr(base64_encode($data), '+/', '-_'), '='),
            ], JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_INVALID_UTF8_SUBSTITUTE);
        }
        return $form;
    }

    /**
     * Whether PHP dropped an upload as over upload_max_filesize (or the form's MAX_FILE_SIZE): the
     * request is then not passed on, as the module would only see that no file came.
     *
     * @param array<string, mixed> $files
     */
    public static function uploadTooLarge(array $files)
    {
        foreach ($files as $file) {
            if (is_array($file) && isset($file['error']) && in_array($file['error'], [UPLOAD_ERR_INI_SIZE, UPLOAD_ERR_FORM_SIZE], true)) {
                return true;
            }
        }
        return false;
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
