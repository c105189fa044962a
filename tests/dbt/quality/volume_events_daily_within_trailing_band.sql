{#-
    Volume anomaly (warning): a day whose count of behaviour events
    (stg_tracking__events by event_date) is above volume_max_ratio x or below
    volume_min_ratio x the mean of the volume_trailing_days days before it,
    a day without any event included. One row per flagged day.
-#}
{{ config(severity='warn') }}

{{ volume_anomalies(ref('stg_tracking__events'), 'event_date') }}
