{#-
    Fails with the orders whose refunds exceed what was paid
    (refunded_amount_cny > paid_gmv_cny), which would make net GMV negative.
-#}
{% test refunds_within_paid_gmv(model) %}

select
    order_id,
    paid_gmv_cny,
    refunded_amount_cny
from {{ model }}
where refunded_amount_cny > paid_gmv_cny

{% endtest %}
