<?php
/**
 * A router for PHP's built-in web server (php -S), for test/whmcs-bridge-upload.test.ts: the
 * addon's client-area page (agenttools_clientarea) answering real HTTP requests, so that PHP
 * itself parses a multipart upload into $_FILES (is_uploaded_file holds) as WHMCS's index.php
 * would. WHMCS's parts are stand-ins, read on each request from the JSON file named by the
 * AGENTTOOLS_STANDIN environment variable:
 *   { module_dir, settings, localapi: {Action: answer}, token, session, system_language, area }
 * A client-area page is printed as JSON { result }; with area "admin", the admin page
 * (agenttools_output) prints its own HTML. A redirect is the addon's own Location header.
 */

namespace WHMCS\Config {
    class Setting
    {
        public static function getValue($name)
        {
            $in = $GLOBALS['standin'];
            return $name === 'Language' && isset($in['system_language']) ? $in['system_language'] : '';
        }
    }
}

namespace WHMCS\Database {
    class Capsule
    {
        public static function table($name)
        {
            return new \AgentToolsStandIn\Query($name);
        }
    }
}

namespace AgentToolsStandIn {
    class Query
    {
        private $name;
        public function __construct($name)
        {
            $this->name = $name;
        }
        public function where($column, $value)
        {
            if ($this->name !== 'tbladdonmodules' || $column !== 'module' || $value !== 'agenttools') {
                throw new \Exception('unexpected query on ' . $this->name);
            }
            return $this;
        }
        public function pluck($value, $key)
        {
            return $GLOBALS['standin']['settings'];
        }
    }
}

namespace {
    define('WHMCS', true);
    $GLOBALS['standin'] = json_decode(file_get_contents(getenv('AGENTTOOLS_STANDIN')), true);

    function localAPI($action, $params = [], $adminUser = '')
    {
        $answers = $GLOBALS['standin']['localapi'];
        return isset($answers[$action]) ? $answers[$action] : ['result' => 'error', 'message' => 'no stand-in for ' . $action];
    }

    function logActivity($message, $userId = 0)
    {
    }

    function generate_token($type = 'link')
    {
        return $GLOBALS['standin']['token'];
    }

    $in = $GLOBALS['standin'];
    $_SESSION = isset($in['session']) ? $in['session'] : [];
    require $in['module_dir'] . '/agenttools.php';
    $_ADDONLANG = [];
    require $in['module_dir'] . '/lang/english.php';
    $vars = ['modulelink' => 'index.php?m=agenttools', 'version' => '0.1.0', '_lang' => $_ADDONLANG] + $in['settings'];
    if (isset($in['area']) && $in['area'] === 'admin') {
        // The admin page prints its page itself.
        agenttools_output($vars);
        return;
    }
    $result = agenttools_clientarea($vars);
    header('Content-Type: application/json');
    echo json_encode(['result' => $result]);
}
