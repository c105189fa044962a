{#-
    The 13 raw entities of the raw contract as [source_name, table_name]
    pairs; the base model of each is base_<source_name>__<table_name>. The
    quarantine union, the raw reconciliation and its test loop over it.
-#}
{% macro raw_entities() -%}
    {{ return([
        ['shop', 'users'],
        ['shop', 'orders'],
        ['shop', 'order_items'],
        ['tracking', 'events'],
        ['logistics', 'shipments'],
        ['logistics', 'returns'],
        ['marketing', 'campaigns'],
        ['marketing', 'channel_spend'],
        ['marketing', 'coupons'],
        ['crm', 'points_ledger'],
        ['crm', 'member_tiers'],
        ['crm', 'messages'],
        ['growth', 'experiments'],
    ]) }}
{%- endmacro %}
