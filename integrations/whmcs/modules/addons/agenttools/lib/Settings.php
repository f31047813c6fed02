<?php

namespace WHMCS\Module\Addon\AgentTools;

use WHMCS\Database\Capsule;

/**
 * The addon's settings as the admin saved them (Setup > Addon Modules > Agent Tools > Configure),
 * read from tbladdonmodules as WHMCS documents for hooks, which are not given the module's vars.
 */
class Settings
{
    /** @var array<string, string>|null */
    private static $cached = null;

    /** @return array<string, string> */
    public static function all()
    {
        if (self::$cached === null) {
            $rows = Capsule::table('tbladdonmodules')->where('module', 'agenttools')->pluck('value', 'setting');
            self::$cached = [];
            foreach ($rows as $setting => $value) {
                self::$cached[(string) $setting] = (string) $value;
            }
        }
        return self::$cached;
    }

    public static function get($name, $default = '')
    {
        $all = self::all();
        return isset($all[$name]) && $all[$name] !== '' ? $all[$name] : $default;
    }

    /** The module's base URL, without a trailing slash. */
    public static function moduleUrl()
    {
        return rtrim(self::get('module_url'), '/');
    }
}
