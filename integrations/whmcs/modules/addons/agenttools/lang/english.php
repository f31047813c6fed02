<?php

$_ADDONLANG['unreachable'] = 'Agent Tools cannot be reached just now. Please try again in a minute.';
