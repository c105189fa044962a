{#-
    Fails when the model has no rows although every one of its inputs has
    rows: a mart that can be computed must not build empty in silence.

    inputs: the staging models without whose rows the model is empty (as
    ref() strings in the YAML, e.g. "ref('stg_shop__orders')"). They declare
    which raw entities the mart needs: ecomops.export.lineage reads them to
    list the marts an export without an entity leaves empty (docs/exports.md,
    ecomops check-export). When any input is empty the test passes: the mart
    is expected to be empty then.

    Returns one row (the model's and the inputs' row counts) when it fails.
-#}
{% test not_empty_when_inputs_present(model, inputs) %}

with

input_counts as (

    {% for input in inputs %}
        select
            '{{ input }}' as input_relation,
            count(*) as input_rows
        from {{ input }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

model_count as (

    select count(*) as model_rows
    from {{ model }}

),

empty_inputs as (

    select count(*) as empty_input_count
    from input_counts
    where input_rows = 0

),

final as (

    select
        model_count.model_rows,
        (select min(input_counts.input_rows) from input_counts) as fewest_input_rows
    from model_count
    cross join empty_inputs
    where
        model_count.model_rows = 0
        and empty_inputs.empty_input_count = 0

)

select * from final

{% endtest %}
