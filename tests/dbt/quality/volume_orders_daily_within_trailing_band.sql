{#-
    Volume anomaly (warning): a day whose count of placed orders
    (stg_shop__orders by placed_date) is above volume_max_ratio x or below
    volume_orders_min_ratio x the mean of the volume_trailing_days days
    before it, a day without any order included. One row per flagged day.
-#}
{{ config(severity='warn') }}

{{ volume_anomalies(ref('stg_shop__orders'), 'placed_date', min_ratio=var('volume_orders_min_ratio')) }}
