<?php

$_ADDONLANG['unreachable'] = 'Agent Tools cannot be reached just now. Please try again in a minute.';
$_ADDONLANG['too_large'] = 'The file is too large to upload. Go back and choose a smaller one.';
