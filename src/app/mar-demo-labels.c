/* mar-demo-labels.c — the demo ward's printable label sheet
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mar-demo-labels"

#include "config.h"

#include "mar-demo-labels.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "mar-label.h"

G_DEFINE_QUARK (mar-demo-labels-error-quark, mar_demo_labels_error)

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gint64
member_int (JsonObject *object,
            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return 0;
  return json_node_get_int (node);
}

static gboolean
symbology_from_string (const char   *name,
                       MarSymbology *symbology)
{
  if (g_strcmp0 (name, "code128") == 0)
    *symbology = MAR_SYMBOL_CODE128;
  else if (g_strcmp0 (name, "gs1-datamatrix") == 0)
    *symbology = MAR_SYMBOL_GS1_DATAMATRIX;
  else if (g_strcmp0 (name, "datamatrix") == 0)
    *symbology = MAR_SYMBOL_DATAMATRIX;
  else if (g_strcmp0 (name, "gs1-128") == 0)
    *symbology = MAR_SYMBOL_GS1_128;
  else
    return FALSE;
  return TRUE;
}

/* labels.json writes GS1 element strings as the HRI "(01)…(17)…";
 * libzint takes them bracketed: "[01]…[17]…". */
static char *
gs1_bracketed (const char *hri)
{
  g_autofree char *copy = g_strdup (hri);

  g_strdelimit (copy, "(", '[');
  g_strdelimit (copy, ")", ']');
  return g_steal_pointer (&copy);
}

static gboolean
add_symbol (MarLabel    *label,
            const char  *symbology_name,
            const char  *data,
            GError     **error)
{
  MarSymbology symbology;
  g_autofree char *payload = NULL;

  if (data == NULL || !symbology_from_string (symbology_name, &symbology))
    {
      g_set_error (error, MAR_DEMO_LABELS_ERROR, MAR_DEMO_LABELS_ERROR_FORMAT,
                   _("A label has a symbol this sheet cannot print (%s)"),
                   symbology_name != NULL ? symbology_name : "?");
      return FALSE;
    }
  payload = symbology == MAR_SYMBOL_GS1_DATAMATRIX || symbology == MAR_SYMBOL_GS1_128
            ? gs1_bracketed (data) : g_strdup (data);
  return mar_label_add_symbol (label, symbology, payload, error);
}

static char *
local_text (GTimeZone  *tz,
            gint64      t,
            const char *format)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (t);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, tz);

  return g_date_time_format (local, format);
}

static MarLabel *
wristband_label (JsonObject  *band,
                 GError     **error)
{
  g_autoptr(MarLabel) label = mar_label_new (MAR_LABEL_WRISTBAND, member_string (band, "name"));
  JsonArray *symbols = json_object_get_array_member (band, "symbols");
  g_autofree char *born = g_strdup_printf (_("Born %s · %s"), member_string (band, "birth_date"),
                                           member_string (band, "sex"));
  g_autofree char *ids = g_strdup_printf (_("MRN %s · Bed %s"), member_string (band, "mrn"),
                                          member_string (band, "bed"));

  mar_label_add_line (label, born);
  mar_label_add_line (label, ids);
  if (json_object_get_boolean_member_with_default (band, "allergy_band", FALSE))
    mar_label_add_line (label, _("ALLERGY"));
  if (member_string (band, "note") != NULL)
    mar_label_add_line (label, member_string (band, "note"));
  for (guint i = 0; symbols != NULL && i < json_array_get_length (symbols) && i < 2; i++)
    {
      JsonObject *symbol = json_array_get_object_element (symbols, i);

      if (!add_symbol (label, member_string (symbol, "symbology"), member_string (symbol, "data"), error))
        return NULL;
    }
  return g_steal_pointer (&label);
}

static MarLabel *
bag_label (JsonObject  *bag,
           GTimeZone   *tz,
           gint64       now,
           GError     **error)
{
  g_autoptr(MarLabel) label = mar_label_new (MAR_LABEL_IV_BAG, member_string (bag, "title"));
  /* data/demo/README.md: (17) is the local date of print time +
   * expiry_days, as YYMMDD; a negative value prints an expired bag. */
  g_autofree char *expiry = local_text (tz, now + member_int (bag, "expiry_days") * 86400, "%y%m%d");
  g_autofree char *data = g_strdup_printf ("(01)%s(17)%s(10)%s(21)%s", member_string (bag, "gtin"), expiry,
                                           member_string (bag, "lot"), member_string (bag, "serial"));
  g_autofree char *lot = g_strdup_printf (_("Lot %s · Serial %s"), member_string (bag, "lot"),
                                          member_string (bag, "serial"));

  mar_label_add_line (label, lot);
  if (member_string (bag, "note") != NULL)
    mar_label_add_line (label, member_string (bag, "note"));
  if (!add_symbol (label, member_string (bag, "symbology"), data, error))
    return NULL;
  return g_steal_pointer (&label);
}

static MarLabel *
pharmacy_label (JsonObject  *rx,
                GTimeZone   *tz,
                gint64       now,
                GError     **error)
{
  g_autoptr(MarLabel) label = mar_label_new (MAR_LABEL_PHARMACY_BAG, member_string (rx, "drug"));
  g_autofree char *beyond = local_text (tz, now + member_int (rx, "beyond_use_minutes") * 60, "%Y-%m-%d %H:%M");
  g_autofree char *patient = g_strdup_printf (_("%s · MRN %s · Bed %s"), member_string (rx, "patient"),
                                              member_string (rx, "mrn"), member_string (rx, "bed"));
  g_autofree char *dose = g_strdup_printf (_("Dose %s · Rate %s"), member_string (rx, "dose"),
                                           member_string (rx, "rate"));
  g_autofree char *use_by = g_strdup_printf (_("Beyond use %s"), beyond);

  mar_label_add_line (label, patient);
  mar_label_add_line (label, dose);
  mar_label_add_line (label, use_by);
  if (!add_symbol (label, member_string (rx, "symbology"), member_string (rx, "data"), error))
    return NULL;
  return g_steal_pointer (&label);
}

static MarLabel *
badge_label (JsonObject  *badge,
             GError     **error)
{
  g_autoptr(MarLabel) label = mar_label_new (MAR_LABEL_STAFF_BADGE, member_string (badge, "name"));
  g_autofree char *line = g_strdup_printf (_("%s · Badge %s"), member_string (badge, "role"),
                                           member_string (badge, "badge"));

  mar_label_add_line (label, line);
  if (!json_object_get_boolean_member_with_default (badge, "active", TRUE))
    mar_label_add_line (label, _("INACTIVE: cannot sign in"));
  if (!add_symbol (label, member_string (badge, "symbology"), member_string (badge, "data"), error))
    return NULL;
  return g_steal_pointer (&label);
}

GPtrArray *
mar_demo_labels_load (const char  *path,
                      GTimeZone   *time_zone,
                      gint64       now,
                      GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_label_free);
  JsonObject *root;
  static const char * const sections[] = { "badges", "wristbands", "iv_bags", "pharmacy_labels" };

  g_return_val_if_fail (path != NULL, NULL);

  if (!json_parser_load_from_file (parser, path, error))
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)) ||
      g_strcmp0 (member_string (json_node_get_object (json_parser_get_root (parser)), "format"),
                 "bedside-mar-demo-labels") != 0)
    {
      g_set_error (error, MAR_DEMO_LABELS_ERROR, MAR_DEMO_LABELS_ERROR_FORMAT,
                   _("%s is not a demo label sheet"), path);
      return NULL;
    }
  root = json_node_get_object (json_parser_get_root (parser));

  /* Badges first: the first thing a newcomer scans is their own badge. */
  for (guint s = 0; s < G_N_ELEMENTS (sections); s++)
    {
      JsonArray *items = json_object_has_member (root, sections[s])
                         ? json_object_get_array_member (root, sections[s]) : NULL;

      for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
        {
          JsonObject *item = json_array_get_object_element (items, i);
          MarLabel *label;

          if (item == NULL)
            continue;
          if (s == 0)
            label = badge_label (item, error);
          else if (s == 1)
            label = wristband_label (item, error);
          else if (s == 2)
            label = bag_label (item, time_zone, now, error);
          else
            label = pharmacy_label (item, time_zone, now, error);
          if (label == NULL)
            return NULL;
          g_ptr_array_add (labels, label);
        }
    }
  return g_steal_pointer (&labels);
}

gboolean
mar_demo_labels_write_pdf (const char  *path,
                           const char  *pdf_path,
                           GTimeZone   *time_zone,
                           gint64       now,
                           GError     **error)
{
  g_autoptr(GPtrArray) labels = mar_demo_labels_load (path, time_zone, now, error);

  if (labels == NULL)
    return FALSE;
  return mar_label_sheet_write_pdf (labels, MAR_PAPER_LETTER, pdf_path, error);
}
