{* The module's page, made by its own templates (every value escaped there). *}
<div class="agenttools">
    {$agenttools_html}
</div>
