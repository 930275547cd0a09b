/* mar-record-json.c — a bag as `marctl infusion show --json` prints it
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mar-record"

#include "config.h"

#include <math.h>

#include "mar-record.h"
#include "mar-time.h"

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_time (JsonBuilder *builder,
          const char  *name,
          gint64       t,
          GTimeZone   *tz)
{
  g_autofree char *text = t != MAR_TIME_UNSET ? mar_time_format_iso (t, tz) : NULL;

  add_string (builder, name, text);
}

/* A tenth of a millilitre is what a pump shows. */
static void
add_ml (JsonBuilder *builder,
        const char  *name,
        double       ml)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_double_value (builder, round (ml * 10) / 10);
}

static void
add_optional_ml (JsonBuilder *builder,
                 const char  *name,
                 double       ml)
{
  if (ml > 0)
    add_ml (builder, name, ml);
  else
    {
      json_builder_set_member_name (builder, name);
      json_builder_add_null_value (builder);
    }
}

JsonNode *
mar_infusion_to_json (const MarInfusion *bag,
                      gint64             as_of,
                      GTimeZone         *tz)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (bag != NULL, NULL);
  g_return_val_if_fail (tz != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "infusion");
  json_builder_add_int_value (builder, bag->id);
  add_string (builder, "uuid", bag->uuid);
  /* The record entry the bag's latest action wrote (what a correction of
   * it names; what a script checks was recorded). */
  json_builder_set_member_name (builder, "last_entry");
  json_builder_add_int_value (builder, bag->updated_seq);
  add_string (builder, "state", mar_infusion_state_to_string (bag->state));
  add_string (builder, "state_reason", bag->state_reason);
  add_string (builder, "state_comment", bag->state_comment);
  add_string (builder, "patient", bag->patient_id);
  add_string (builder, "encounter", bag->encounter_id);
  add_string (builder, "order", bag->order_id);
  add_string (builder, "order_version", bag->order_version);
  add_string (builder, "medication", bag->medication);
  add_string (builder, "product", bag->product_id);
  add_string (builder, "dispense", bag->dispense_id);
  add_string (builder, "bag_id", bag->bag_id);
  add_string (builder, "gtin", bag->gtin);
  add_string (builder, "lot", bag->lot);
  add_string (builder, "serial", bag->serial);
  add_string (builder, "expiry", bag->expiry);
  json_builder_set_member_name (builder, "previous");
  if (bag->previous_id != 0)
    json_builder_add_int_value (builder, bag->previous_id);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "continuous");
  json_builder_add_boolean_value (builder, bag->continuous);
  json_builder_set_member_name (builder, "requires_witness");
  json_builder_add_boolean_value (builder, bag->requires_witness);
  add_time (builder, "due_time", bag->due_time, tz);
  json_builder_set_member_name (builder, "partial");
  json_builder_add_boolean_value (builder, bag->partial);
  json_builder_set_member_name (builder, "container_dose");
  if (bag->container_dose.set)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "value");
      json_builder_add_double_value (builder, bag->container_dose.value);
      add_string (builder, "unit", bag->container_dose.unit);
      json_builder_end_object (builder);
    }
  else
    json_builder_add_null_value (builder);
  add_optional_ml (builder, "bag_volume_ml", bag->bag_volume_ml);
  add_optional_ml (builder, "vtbi_ml", bag->vtbi_ml);
  json_builder_set_member_name (builder, "rate_ml_h");
  if (bag->started_at != MAR_TIME_UNSET)
    json_builder_add_double_value (builder, bag->rate_ml_per_h);
  else
    json_builder_add_null_value (builder);
  add_string (builder, "site", bag->site);
  add_string (builder, "pump", bag->pump);
  add_string (builder, "channel", bag->channel);
  add_time (builder, "started_at", bag->started_at, tz);
  add_time (builder, "ended_at", bag->ended_at, tz);
  add_time (builder, "last_at", bag->last_at, tz);
  add_string (builder, "performer", bag->performer_id);
  add_string (builder, "witness", bag->witness_id);

  json_builder_set_member_name (builder, "segments");
  json_builder_begin_array (builder);
  for (guint i = 0; i < bag->segments->len; i++)
    {
      const MarInfusionSegment *s = &g_array_index (bag->segments, MarInfusionSegment, i);
      gint64 end = s->end != MAR_TIME_UNSET ? MIN (s->end, MAX (as_of, s->start)) : MAX (as_of, s->start);

      json_builder_begin_object (builder);
      add_time (builder, "start", s->start, tz);
      add_time (builder, "end", s->end, tz);
      json_builder_set_member_name (builder, "rate_ml_h");
      json_builder_add_double_value (builder, s->rate_ml_per_h);
      add_ml (builder, "volume_ml", s->rate_ml_per_h * (double) (end - s->start) / 3600.0);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "boluses");
  json_builder_begin_array (builder);
  for (guint i = 0; i < bag->boluses->len; i++)
    {
      const MarInfusionBolus *b = &g_array_index (bag->boluses, MarInfusionBolus, i);

      json_builder_begin_object (builder);
      add_time (builder, "at", b->at, tz);
      add_ml (builder, "volume_ml", b->volume_ml);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "volume_checks");
  json_builder_begin_array (builder);
  for (guint i = 0; i < bag->volume_checks->len; i++)
    {
      const MarVolumeCheck *c = &g_array_index (bag->volume_checks, MarVolumeCheck, i);

      json_builder_begin_object (builder);
      add_time (builder, "at", c->at, tz);
      add_ml (builder, "estimated_ml", c->estimated_ml);
      add_ml (builder, "confirmed_ml", c->confirmed_ml);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  add_time (builder, "as_of", as_of, tz);
  add_ml (builder, "volume_infused_ml", mar_infusion_get_volume_at (bag, as_of));
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}
