<?php

$_ADDONLANG['unreachable'] = 'Agent Tools haipatikani kwa sasa. Tafadhali jaribu tena baada ya dakika moja.';
$_ADDONLANG['too_large'] = 'Faili ni kubwa mno kupakiwa. Rudi nyuma uchague faili ndogo zaidi.';
