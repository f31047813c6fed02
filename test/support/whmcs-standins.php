<?php
/**
 * Stand-ins for what WHMCS gives an addon module, for test/whmcs-bridge.test.ts: add_hook,
 * localAPI, logActivity, generate_token, and Capsule's read of tbladdonmodules. Reads on stdin:
 * { module_dir, settings, localapi: {Action: answer}, token, cookies, post, get, session, method,
 *   run: "hooks" | "clientarea" | "forward", hook, vars, times }
 * and prints { results, log, localapi }.
 */

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
    $GLOBALS['standin'] = json_decode(stream_get_contents(STDIN), true);
    $GLOBALS['standin_hooks'] = [];
    $GLOBALS['standin_log'] = [];
    $GLOBALS['standin_calls'] = [];

    function add_hook($name, $priority, $function)
    {
        $GLOBALS['standin_hooks'][$name][] = $function;
    }

    function localAPI($action, $params = [], $adminUser = '')
    {
        $GLOBALS['standin_calls'][] = ['action' => $action, 'params' => $params];
        $answers = $GLOBALS['standin']['localapi'];
        return isset($answers[$action]) ? $answers[$action] : ['result' => 'error', 'message' => 'no stand-in for ' . $action];
    }

    function logActivity($message, $userId = 0)
    {
        $GLOBALS['standin_log'][] = $message;
    }

    function generate_token($type = 'link')
    {
        return $GLOBALS['standin']['token'];
    }

    $in = $GLOBALS['standin'];
    $_COOKIE = isset($in['cookies']) ? $in['cookies'] : [];
    $_POST = isset($in['post']) ? $in['post'] : [];
    $_GET = isset($in['get']) ? $in['get'] : [];
    $_SESSION = isset($in['session']) ? $in['session'] : [];
    $_SERVER['REQUEST_METHOD'] = isset($in['method']) ? $in['method'] : 'GET';
    $_SERVER['REMOTE_ADDR'] = '198.51.100.7';
    $_SERVER['HTTP_USER_AGENT'] = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';

    $results = [];
    if ($in['run'] === 'hooks') {
        require $in['module_dir'] . '/hooks.php';
        $times = isset($in['times']) ? (int) $in['times'] : 1;
        for ($i = 0; $i < $times; $i++) {
            foreach ($GLOBALS['standin_hooks'][$in['hook']] as $function) {
                $results[] = $function($in['vars']);
            }
        }
    } else {
        require $in['module_dir'] . '/agenttools.php';
        $vars = ['modulelink' => 'index.php?m=agenttools', 'version' => '0.1.0', '_lang' => ['unreachable' => 'unreachable']] + $in['settings'];
        if ($in['run'] === 'clientarea') {
            $results[] = agenttools_clientarea($vars);
        } else {
            // What the page proxy does for a request, without the redirect's exit.
            $proxy = \WHMCS\Module\Addon\AgentTools\PageProxy::fromSettings();
            list($status, $headers, $body) = $proxy->forward($in['identity'], $_SERVER['REQUEST_METHOD'], $in['path'], $_POST);
            $results[] = ['status' => $status, 'page' => $proxy->page($status, $headers, $body)];
        }
    }
    echo json_encode(['results' => $results, 'log' => $GLOBALS['standin_log'], 'localapi' => $GLOBALS['standin_calls']]);
}
