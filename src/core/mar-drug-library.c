/* mar-drug-library.c — the local drug library: the settings of the rules
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mar-drug-library"

#include "config.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "mar-drug-library.h"
#include "mar-core-resources.h"

G_DEFINE_QUARK (mar-drug-library-error-quark, mar_drug_library_error)

struct _MarDrugLibrary
{
  gatomicrefcount  ref_count;

  int              format_version;
  char            *name;
  char            *version;
  char            *description;

  GHashTable      *iv_routes;       /* key set */
  GHashTable      *non_iv_forms;    /* key set */
  GHashTable      *time_critical;   /* key set */
  GHashTable      *diluents;        /* key set */
  GHashTable      *negations;       /* key set */
  GHashTable      *code_map;        /* key → GPtrArray (MarCoding) */
  GHashTable      *class_codes;     /* key → MarDrugClass (borrowed from classes) */
  GHashTable      *class_ids;       /* id → MarDrugClass (borrowed) */
  GHashTable      *rate_limits;     /* key → MarRateLimit (borrowed from rate_limit_list) */
  GPtrArray       *classes;         /* (MarDrugClass) */
  GPtrArray       *high_alert;      /* (MarHighAlertRule) */
  GPtrArray       *rate_limit_list; /* (MarRateLimit) */

  MarTimeWindows   windows;
  gint64           weight_max_age;
  gint64           cache_stale;
  gint64           clock_skew;
  MarAllergyPolicy allergy_high;
  double           dose_tolerance_percent;
  double           rate_tolerance;
};

/* Keys ------------------------------------------------------------------ */

/* NDCs are published as 4-4-2, 5-3-2 or 5-4-1 with hyphens; the hyphens
 * say where the padding zero of the 11-digit 5-4-2 (HIPAA) form goes. An
 * NDC without hyphens is kept as given: 10 digits cannot be padded without
 * knowing its segments. */
static gboolean
normalize_ndc (const char *code,
               char       *out,
               gsize       size)
{
  const int widths[3] = { 5, 4, 2 };
  g_auto(GStrv) parts = NULL;
  GString *s;

  if (strchr (code, '-') == NULL)
    return g_strlcpy (out, code, size) < size;

  parts = g_strsplit (code, "-", -1);
  if (g_strv_length (parts) != 3)
    return g_strlcpy (out, code, size) < size;

  s = g_string_new (NULL);
  for (int i = 0; i < 3; i++)
    {
      gsize len = strlen (parts[i]);

      if (len == 0 || len > (gsize) widths[i])
        {
          g_string_free (s, TRUE);
          return g_strlcpy (out, code, size) < size;
        }
      for (const char *c = parts[i]; *c; c++)
        if (!g_ascii_isdigit (*c))
          {
            g_string_free (s, TRUE);
            return g_strlcpy (out, code, size) < size;
          }
      for (gsize pad = len; pad < (gsize) widths[i]; pad++)
        g_string_append_c (s, '0');
      g_string_append (s, parts[i]);
    }
  {
    gboolean fits = g_strlcpy (out, s->str, size) < size;

    g_string_free (s, TRUE);
    return fits;
  }
}

/* "system|code", with NDCs in their 11-digit form and GTIN-8/12/13 padded
 * to GTIN-14 (FHIR-PROFILE.md). FALSE when there is no code or it does not
 * fit (then nothing can match it). */
static gboolean
make_key (const char *system,
          const char *code,
          char       *buf,
          gsize       size)
{
  char normalized[64];
  int n;

  if (system == NULL || code == NULL || *code == '\0')
    return FALSE;

  if (strcmp (system, MAR_SYSTEM_NDC) == 0)
    {
      if (!normalize_ndc (code, normalized, sizeof normalized))
        return FALSE;
      code = normalized;
    }
  else if (strcmp (system, MAR_SYSTEM_GTIN) == 0)
    {
      gsize len = strlen (code);

      if (len < 14 && len >= 8)
        {
          memset (normalized, '0', 14 - len);
          memcpy (normalized + 14 - len, code, len + 1);
          code = normalized;
        }
    }

  n = g_snprintf (buf, size, "%s|%s", system, code);
  return n > 0 && (gsize) n < size;
}

static gboolean
key_set_contains (GHashTable *set,
                  const char *system,
                  const char *code)
{
  char key[256];

  return make_key (system, code, key, sizeof key) &&
         g_hash_table_contains (set, key);
}

/* Freeing ---------------------------------------------------------------- */

static void
drug_class_free (MarDrugClass *klass)
{
  g_free (klass->id);
  g_free (klass->name);
  g_clear_pointer (&klass->codes, g_ptr_array_unref);
  g_clear_pointer (&klass->ingredients, g_ptr_array_unref);
  g_free (klass);
}

static void
high_alert_rule_free (MarHighAlertRule *rule)
{
  g_free (rule->reason);
  g_free (rule->class_id);
  g_clear_pointer (&rule->ingredients, g_ptr_array_unref);
  g_free (rule);
}

static void
rate_limit_free (MarRateLimit *limit)
{
  mar_coding_free (limit->ingredient);
  g_free (limit->unit_code);
  g_free (limit);
}

static GPtrArray *
coding_array_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) mar_coding_free);
}

static MarDrugLibrary *
library_new (void)
{
  MarDrugLibrary *self = g_new0 (MarDrugLibrary, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->iv_routes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->non_iv_forms = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->time_critical = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->diluents = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->negations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->code_map = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) g_ptr_array_unref);
  self->class_codes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->class_ids = g_hash_table_new (g_str_hash, g_str_equal);
  self->rate_limits = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->classes = g_ptr_array_new_with_free_func ((GDestroyNotify) drug_class_free);
  self->high_alert = g_ptr_array_new_with_free_func ((GDestroyNotify) high_alert_rule_free);
  self->rate_limit_list = g_ptr_array_new_with_free_func ((GDestroyNotify) rate_limit_free);
  return self;
}

static void
library_free (MarDrugLibrary *self)
{
  g_free (self->name);
  g_free (self->version);
  g_free (self->description);
  g_hash_table_unref (self->iv_routes);
  g_hash_table_unref (self->non_iv_forms);
  g_hash_table_unref (self->time_critical);
  g_hash_table_unref (self->diluents);
  g_hash_table_unref (self->negations);
  g_hash_table_unref (self->code_map);
  g_hash_table_unref (self->class_codes);
  g_hash_table_unref (self->class_ids);
  g_hash_table_unref (self->rate_limits);
  g_ptr_array_unref (self->high_alert);
  g_ptr_array_unref (self->rate_limit_list);
  g_ptr_array_unref (self->classes);
  g_free (self);
}

MarDrugLibrary *
mar_drug_library_ref (MarDrugLibrary *library)
{
  g_return_val_if_fail (library != NULL, NULL);

  g_atomic_ref_count_inc (&library->ref_count);
  return library;
}

void
mar_drug_library_unref (MarDrugLibrary *library)
{
  g_return_if_fail (library != NULL);

  if (g_atomic_ref_count_dec (&library->ref_count))
    library_free (library);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MarDrugClass, drug_class_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MarHighAlertRule, high_alert_rule_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MarRateLimit, rate_limit_free)

/* Reading and validating ------------------------------------------------- */

static gboolean G_GNUC_PRINTF (3, 4)
invalid (GError    **error,
         const char *path,
         const char *format,
         ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, MAR_DRUG_LIBRARY_ERROR, MAR_DRUG_LIBRARY_ERROR_INVALID,
               "%s: %s", path, message);
  return FALSE;
}

static char *
member_path (const char *path,
             const char *key)
{
  if (path == NULL || *path == '\0')
    return g_strdup (key);
  return g_strdup_printf ("%s.%s", path, key);
}

static char *
element_path (const char *path,
              guint       index)
{
  return g_strdup_printf ("%s[%u]", path, index);
}

/* Every member must be one the format knows: a typo ("hard_hihg") must not
 * silently disable a limit. */
static gboolean
check_keys (JsonObject         *object,
            const char         *path,
            const char * const *allowed,
            GError            **error)
{
  g_autoptr(GList) members = json_object_get_members (object);

  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;

      if (!g_strv_contains (allowed, name))
        {
          g_autofree char *p = member_path (path, name);
          return invalid (error, p, "unknown key");
        }
    }
  return TRUE;
}

static JsonNode *
get_required (JsonObject *object,
              const char *path,
              const char *key,
              GError    **error)
{
  JsonNode *node = json_object_get_member (object, key);

  if (node == NULL)
    {
      g_autofree char *p = member_path (path, key);
      invalid (error, p, "missing");
    }
  return node;
}

static gboolean
node_is_number (JsonNode *node)
{
  GType type;

  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  type = json_node_get_value_type (node);
  return type == G_TYPE_INT64 || type == G_TYPE_DOUBLE;
}

static gboolean
read_string (JsonObject *object,
             const char *path,
             const char *key,
             gboolean    required,
             char      **out,
             GError    **error)
{
  JsonNode *node = json_object_get_member (object, key);
  g_autofree char *p = member_path (path, key);
  const char *value;

  *out = NULL;
  if (node == NULL)
    {
      if (required)
        return invalid (error, p, "missing");
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return invalid (error, p, "must be a string");
  value = json_node_get_string (node);
  if (value == NULL || *value == '\0')
    return invalid (error, p, "must not be empty");
  *out = g_strdup (value);
  return TRUE;
}

/* A number; @positive: > 0, otherwise ≥ 0. */
static gboolean
read_number (JsonObject *object,
             const char *path,
             const char *key,
             gboolean    required,
             gboolean    positive,
             double     *out,
             gboolean   *present,
             GError    **error)
{
  JsonNode *node = json_object_get_member (object, key);
  g_autofree char *p = member_path (path, key);
  double value;

  if (present != NULL)
    *present = FALSE;
  if (node == NULL)
    {
      if (required)
        return invalid (error, p, "missing");
      return TRUE;
    }
  if (!node_is_number (node))
    return invalid (error, p, positive ? "must be a positive number" : "must be a number, zero or more");
  value = json_node_get_double (node);
  if (!isfinite (value) || (positive ? value <= 0 : value < 0))
    return invalid (error, p, positive ? "must be a positive number" : "must be a number, zero or more");
  *out = value;
  if (present != NULL)
    *present = TRUE;
  return TRUE;
}

static gboolean
read_whole (JsonObject *object,
            const char *path,
            const char *key,
            int         minimum,
            int         maximum,
            int        *out,
            GError    **error)
{
  JsonNode *node = get_required (object, path, key, error);
  g_autofree char *p = member_path (path, key);
  gint64 value;

  if (node == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return invalid (error, p, "must be a whole number from %d to %d", minimum, maximum);
  value = json_node_get_int (node);
  if (value < minimum || value > maximum)
    return invalid (error, p, "must be a whole number from %d to %d", minimum, maximum);
  *out = (int) value;
  return TRUE;
}

static MarCoding *
read_coding (JsonNode   *node,
             const char *path,
             GError    **error)
{
  static const char * const allowed[] = { "system", "code", "display", NULL };
  g_autofree char *system = NULL, *code = NULL, *display = NULL;
  JsonObject *object;
  char key[256];

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      invalid (error, path, "must be a coding: {\"system\": ..., \"code\": ..., \"display\": ...}");
      return NULL;
    }
  object = json_node_get_object (node);
  if (!check_keys (object, path, allowed, error) ||
      !read_string (object, path, "system", TRUE, &system, error) ||
      !read_string (object, path, "code", TRUE, &code, error) ||
      !read_string (object, path, "display", FALSE, &display, error))
    return NULL;
  if (!make_key (system, code, key, sizeof key))
    {
      invalid (error, path, "system and code are too long");
      return NULL;
    }
  return mar_coding_new (system, code, display);
}

static JsonArray *
get_array (JsonObject *object,
           const char *path,
           const char *key,
           gboolean    allow_empty,
           GError    **error)
{
  JsonNode *node = get_required (object, path, key, error);
  g_autofree char *p = member_path (path, key);
  JsonArray *array;

  if (node == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      invalid (error, p, "must be a list");
      return NULL;
    }
  array = json_node_get_array (node);
  if (!allow_empty && json_array_get_length (array) == 0)
    {
      invalid (error, p, "must not be empty");
      return NULL;
    }
  return array;
}

static GPtrArray *
read_coding_list (JsonObject *object,
                  const char *path,
                  const char *key,
                  gboolean    allow_empty,
                  GError    **error)
{
  g_autoptr(GPtrArray) codings = coding_array_new ();
  g_autofree char *p = member_path (path, key);
  JsonArray *array = get_array (object, path, key, allow_empty, error);

  if (array == NULL)
    return NULL;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *ep = element_path (p, i);
      MarCoding *coding = read_coding (json_array_get_element (array, i), ep, error);

      if (coding == NULL)
        return NULL;
      g_ptr_array_add (codings, coding);
    }
  return g_steal_pointer (&codings);
}

/* A list of codings into a key set; a code listed twice is a slip. */
static gboolean
read_key_set (JsonObject *object,
              const char *path,
              const char *key,
              gboolean    allow_empty,
              GHashTable *set,
              GError    **error)
{
  g_autoptr(GPtrArray) codings = read_coding_list (object, path, key, allow_empty, error);

  if (codings == NULL)
    return FALSE;
  for (guint i = 0; i < codings->len; i++)
    {
      MarCoding *coding = g_ptr_array_index (codings, i);
      char k[256];

      make_key (coding->system, coding->code, k, sizeof k);
      if (g_hash_table_contains (set, k))
        {
          g_autofree char *p = g_strdup_printf ("%s[%u].code", key, i);
          return invalid (error, p, "%s is listed twice", coding->code);
        }
      g_hash_table_add (set, g_strdup (k));
    }
  return TRUE;
}

static gboolean
read_time_windows (JsonObject     *root,
                   MarTimeWindows *windows,
                   GError        **error)
{
  static const char * const allowed[] = {
    "time_critical_minutes", "frequent_minutes", "daily_minutes", "first_dose_late_minutes", NULL
  };
  JsonNode *node = get_required (root, "", "time_windows", error);
  JsonObject *object;

  if (node == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return invalid (error, "time_windows", "must be an object");
  object = json_node_get_object (node);

  return check_keys (object, "time_windows", allowed, error) &&
         read_whole (object, "time_windows", "time_critical_minutes", 1, 720, &windows->time_critical_minutes, error) &&
         read_whole (object, "time_windows", "frequent_minutes", 1, 720, &windows->frequent_minutes, error) &&
         read_whole (object, "time_windows", "daily_minutes", 1, 720, &windows->daily_minutes, error) &&
         read_whole (object, "time_windows", "first_dose_late_minutes", 1, 720, &windows->first_dose_late_minutes, error);
}

static gboolean
read_classes (MarDrugLibrary *self,
              JsonObject     *root,
              GError        **error)
{
  static const char * const allowed[] = { "id", "name", "codes", "ingredients", NULL };
  JsonArray *array = get_array (root, "", "drug_classes", TRUE, error);

  if (array == NULL)
    return FALSE;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *p = element_path ("drug_classes", i);
      JsonNode *node = json_array_get_element (array, i);
      g_autoptr(MarDrugClass) klass = g_new0 (MarDrugClass, 1);
      JsonObject *object;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return invalid (error, p, "must be an object");
      object = json_node_get_object (node);
      if (!check_keys (object, p, allowed, error) ||
          !read_string (object, p, "id", TRUE, &klass->id, error) ||
          !read_string (object, p, "name", TRUE, &klass->name, error))
        return FALSE;

      if (json_object_has_member (object, "codes"))
        klass->codes = read_coding_list (object, p, "codes", TRUE, error);
      else
        klass->codes = coding_array_new ();
      if (klass->codes == NULL)
        return FALSE;
      klass->ingredients = read_coding_list (object, p, "ingredients", FALSE, error);
      if (klass->ingredients == NULL)
        return FALSE;

      if (g_hash_table_contains (self->class_ids, klass->id))
        {
          g_autofree char *ip = member_path (p, "id");
          return invalid (error, ip, "\"%s\" is used by another class", klass->id);
        }

      for (guint c = 0; c < klass->codes->len; c++)
        {
          MarCoding *coding = g_ptr_array_index (klass->codes, c);
          char key[256];

          make_key (coding->system, coding->code, key, sizeof key);
          if (g_hash_table_contains (self->class_codes, key))
            {
              g_autofree char *cp = g_strdup_printf ("%s.codes[%u].code", p, c);
              return invalid (error, cp, "%s already belongs to another class", coding->code);
            }
          g_hash_table_insert (self->class_codes, g_strdup (key), klass);
        }

      g_hash_table_insert (self->class_ids, klass->id, klass);
      g_ptr_array_add (self->classes, g_steal_pointer (&klass));
    }
  return TRUE;
}

static gboolean
read_code_map (MarDrugLibrary *self,
               JsonObject     *root,
               GError        **error)
{
  static const char * const allowed[] = { "code", "ingredients", NULL };
  JsonArray *array = get_array (root, "", "code_map", TRUE, error);

  if (array == NULL)
    return FALSE;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *p = element_path ("code_map", i);
      g_autofree char *cp = member_path (p, "code");
      JsonNode *node = json_array_get_element (array, i);
      g_autoptr(MarCoding) code = NULL;
      g_autoptr(GPtrArray) ingredients = NULL;
      JsonObject *object;
      JsonNode *code_node;
      char key[256];

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return invalid (error, p, "must be an object");
      object = json_node_get_object (node);
      if (!check_keys (object, p, allowed, error))
        return FALSE;
      code_node = get_required (object, p, "code", error);
      if (code_node == NULL)
        return FALSE;
      code = read_coding (code_node, cp, error);
      if (code == NULL)
        return FALSE;
      ingredients = read_coding_list (object, p, "ingredients", FALSE, error);
      if (ingredients == NULL)
        return FALSE;

      make_key (code->system, code->code, key, sizeof key);
      if (g_hash_table_contains (self->code_map, key))
        return invalid (error, cp, "%s is mapped twice", code->code);
      g_hash_table_insert (self->code_map, g_strdup (key), g_steal_pointer (&ingredients));
    }
  return TRUE;
}

static gboolean
read_high_alert (MarDrugLibrary *self,
                 JsonObject     *root,
                 GError        **error)
{
  static const char * const allowed[] = {
    "reason", "ingredient", "class", "above_concentration", "continuous_only", NULL
  };
  static const char * const threshold_allowed[] = { "value", "unit", NULL };
  JsonArray *array = get_array (root, "", "high_alert", TRUE, error);

  if (array == NULL)
    return FALSE;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *p = element_path ("high_alert", i);
      JsonNode *node = json_array_get_element (array, i);
      g_autoptr(MarHighAlertRule) rule = g_new0 (MarHighAlertRule, 1);
      JsonObject *object;
      JsonNode *ingredient_node, *class_node, *threshold_node, *continuous_node;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return invalid (error, p, "must be an object");
      object = json_node_get_object (node);
      if (!check_keys (object, p, allowed, error) ||
          !read_string (object, p, "reason", TRUE, &rule->reason, error))
        return FALSE;

      ingredient_node = json_object_get_member (object, "ingredient");
      class_node = json_object_get_member (object, "class");
      if ((ingredient_node == NULL) == (class_node == NULL))
        return invalid (error, p, "needs exactly one of \"ingredient\" or \"class\"");

      rule->ingredients = coding_array_new ();
      if (ingredient_node != NULL)
        {
          g_autofree char *ip = member_path (p, "ingredient");
          MarCoding *coding = read_coding (ingredient_node, ip, error);

          if (coding == NULL)
            return FALSE;
          g_ptr_array_add (rule->ingredients, coding);
        }
      else
        {
          MarDrugClass *klass;

          if (!read_string (object, p, "class", TRUE, &rule->class_id, error))
            return FALSE;
          klass = g_hash_table_lookup (self->class_ids, rule->class_id);
          if (klass == NULL)
            {
              g_autofree char *cp = member_path (p, "class");
              return invalid (error, cp, "no class in drug_classes has the id \"%s\"", rule->class_id);
            }
          for (guint c = 0; c < klass->ingredients->len; c++)
            g_ptr_array_add (rule->ingredients,
                             mar_coding_copy (g_ptr_array_index (klass->ingredients, c)));
        }

      threshold_node = json_object_get_member (object, "above_concentration");
      if (threshold_node != NULL)
        {
          g_autofree char *tp = member_path (p, "above_concentration");
          g_autofree char *unit_code = NULL;
          g_autofree char *up = NULL;
          JsonObject *threshold;

          if (ingredient_node == NULL)
            return invalid (error, tp, "applies to an \"ingredient\" rule only");
          if (!JSON_NODE_HOLDS_OBJECT (threshold_node))
            return invalid (error, tp, "must be an object: {\"value\": ..., \"unit\": ...}");
          threshold = json_node_get_object (threshold_node);
          if (!check_keys (threshold, tp, threshold_allowed, error) ||
              !read_number (threshold, tp, "value", TRUE, TRUE, &rule->threshold, NULL, error) ||
              !read_string (threshold, tp, "unit", TRUE, &unit_code, error))
            return FALSE;
          up = member_path (tp, "unit");
          if (!mar_unit_parse (unit_code, &rule->threshold_unit) ||
              rule->threshold_unit.per_volume == 0 ||
              rule->threshold_unit.per_time != 0 ||
              rule->threshold_unit.per_kg ||
              rule->threshold_unit.dimension == MAR_DIMENSION_VOLUME ||
              rule->threshold_unit.dimension == MAR_DIMENSION_COUNT)
            return invalid (error, up, "\"%s\" is not a concentration unit such as meq/mL or mg/mL", unit_code);
          rule->has_threshold = TRUE;
          rule->threshold_base = mar_unit_to_base (&rule->threshold_unit, rule->threshold);
        }

      continuous_node = json_object_get_member (object, "continuous_only");
      if (continuous_node != NULL)
        {
          if (!JSON_NODE_HOLDS_VALUE (continuous_node) ||
              json_node_get_value_type (continuous_node) != G_TYPE_BOOLEAN)
            {
              g_autofree char *cp = member_path (p, "continuous_only");
              return invalid (error, cp, "must be true or false");
            }
          rule->continuous_only = json_node_get_boolean (continuous_node);
        }

      g_ptr_array_add (self->high_alert, g_steal_pointer (&rule));
    }
  return TRUE;
}

static gboolean
read_rate_limits (MarDrugLibrary *self,
                  JsonObject     *root,
                  GError        **error)
{
  static const char * const allowed[] = {
    "ingredient", "unit", "soft_low", "soft_high", "hard_high", NULL
  };
  JsonArray *array = get_array (root, "", "rate_limits", TRUE, error);

  if (array == NULL)
    return FALSE;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *p = element_path ("rate_limits", i);
      g_autofree char *ip = member_path (p, "ingredient");
      g_autofree char *up = member_path (p, "unit");
      JsonNode *node = json_array_get_element (array, i);
      g_autoptr(MarRateLimit) limit = g_new0 (MarRateLimit, 1);
      JsonObject *object;
      JsonNode *ingredient_node;
      char key[256];

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return invalid (error, p, "must be an object");
      object = json_node_get_object (node);
      if (!check_keys (object, p, allowed, error))
        return FALSE;
      ingredient_node = get_required (object, p, "ingredient", error);
      if (ingredient_node == NULL)
        return FALSE;
      limit->ingredient = read_coding (ingredient_node, ip, error);
      if (limit->ingredient == NULL ||
          !read_string (object, p, "unit", TRUE, &limit->unit_code, error))
        return FALSE;
      if (!mar_unit_parse (limit->unit_code, &limit->unit) || !mar_unit_is_rate (&limit->unit) ||
          limit->unit.dimension == MAR_DIMENSION_COUNT)
        return invalid (error, up, "\"%s\" is not a rate unit such as [iU]/kg/h, ug/kg/min, meq/h or mL/h",
                        limit->unit_code);

      if (!read_number (object, p, "soft_low", FALSE, TRUE, &limit->soft_low, &limit->has_soft_low, error) ||
          !read_number (object, p, "soft_high", FALSE, TRUE, &limit->soft_high, &limit->has_soft_high, error) ||
          !read_number (object, p, "hard_high", FALSE, TRUE, &limit->hard_high, &limit->has_hard_high, error))
        return FALSE;
      if (!limit->has_soft_low && !limit->has_soft_high && !limit->has_hard_high)
        return invalid (error, p, "needs at least one of soft_low, soft_high, hard_high");
      if (limit->has_soft_low && limit->has_soft_high && limit->soft_low >= limit->soft_high)
        {
          g_autofree char *lp = member_path (p, "soft_low");
          return invalid (error, lp, "must be below soft_high");
        }
      if (limit->has_soft_high && limit->has_hard_high && limit->soft_high > limit->hard_high)
        {
          g_autofree char *sp = member_path (p, "soft_high");
          return invalid (error, sp, "must not be above hard_high");
        }
      if (limit->has_soft_low && limit->has_hard_high && limit->soft_low >= limit->hard_high)
        {
          g_autofree char *lp = member_path (p, "soft_low");
          return invalid (error, lp, "must be below hard_high");
        }

      make_key (limit->ingredient->system, limit->ingredient->code, key, sizeof key);
      if (g_hash_table_contains (self->rate_limits, key))
        {
          g_autofree char *cp = member_path (ip, "code");
          return invalid (error, cp, "%s already has rate limits", limit->ingredient->code);
        }
      g_hash_table_insert (self->rate_limits, g_strdup (key), limit);
      g_ptr_array_add (self->rate_limit_list, g_steal_pointer (&limit));
    }
  return TRUE;
}

static gboolean
read_seconds (JsonObject *root,
              const char *key,
              int         maximum,
              gint64      unit_seconds,
              gint64     *out,
              GError    **error)
{
  int value;

  if (!read_whole (root, "", key, 1, maximum, &value, error))
    return FALSE;
  *out = (gint64) value * unit_seconds;
  return TRUE;
}

static gboolean
read_library (MarDrugLibrary *self,
              JsonNode       *root_node,
              GError        **error)
{
  static const char * const allowed[] = {
    "format_version", "name", "library_version", "description",
    "iv_routes", "non_iv_forms", "time_windows", "time_critical_ingredients",
    "diluent_ingredients", "negation_codes", "drug_classes", "code_map",
    "high_alert", "rate_limits", "weight_max_age_days", "cache_stale_minutes",
    "clock_skew_minutes", "allergy_high_criticality", "dose_tolerance_percent",
    "rate_tolerance_ml_per_h",
    NULL
  };
  g_autofree char *policy = NULL;
  JsonObject *root;
  JsonNode *version_node;
  gint64 format_version;

  if (root_node == NULL || !JSON_NODE_HOLDS_OBJECT (root_node))
    {
      g_set_error (error, MAR_DRUG_LIBRARY_ERROR, MAR_DRUG_LIBRARY_ERROR_INVALID,
                   "the drug library must be a JSON object");
      return FALSE;
    }
  root = json_node_get_object (root_node);

  /* The version first: a newer file may use keys this build does not know,
   * and "newer format" is the error IT can act on. */
  version_node = json_object_get_member (root, "format_version");
  if (version_node == NULL)
    return invalid (error, "format_version", "missing");
  if (!JSON_NODE_HOLDS_VALUE (version_node) || json_node_get_value_type (version_node) != G_TYPE_INT64 ||
      json_node_get_int (version_node) < 1)
    return invalid (error, "format_version", "must be a whole number, 1 or more");
  format_version = json_node_get_int (version_node);
  if (format_version > MAR_DRUG_LIBRARY_FORMAT_VERSION)
    {
      g_set_error (error, MAR_DRUG_LIBRARY_ERROR, MAR_DRUG_LIBRARY_ERROR_NEWER_FORMAT,
                   "format_version: %" G_GINT64_FORMAT " is newer than this terminal reads (%d); "
                   "update Bedside MAR before installing this drug library",
                   format_version, MAR_DRUG_LIBRARY_FORMAT_VERSION);
      return FALSE;
    }
  self->format_version = (int) format_version;

  if (!check_keys (root, "", allowed, error) ||
      !read_string (root, "", "name", TRUE, &self->name, error) ||
      !read_string (root, "", "library_version", TRUE, &self->version, error) ||
      !read_string (root, "", "description", FALSE, &self->description, error) ||
      !read_key_set (root, "", "iv_routes", FALSE, self->iv_routes, error) ||
      !read_key_set (root, "", "non_iv_forms", TRUE, self->non_iv_forms, error) ||
      !read_time_windows (root, &self->windows, error) ||
      !read_key_set (root, "", "time_critical_ingredients", TRUE, self->time_critical, error) ||
      !read_key_set (root, "", "diluent_ingredients", TRUE, self->diluents, error) ||
      !read_key_set (root, "", "negation_codes", TRUE, self->negations, error) ||
      !read_classes (self, root, error) ||
      !read_code_map (self, root, error) ||
      !read_high_alert (self, root, error) ||
      !read_rate_limits (self, root, error) ||
      !read_seconds (root, "weight_max_age_days", 365, 86400, &self->weight_max_age, error) ||
      !read_seconds (root, "cache_stale_minutes", 24 * 60, 60, &self->cache_stale, error) ||
      !read_seconds (root, "clock_skew_minutes", 60, 60, &self->clock_skew, error) ||
      !read_string (root, "", "allergy_high_criticality", TRUE, &policy, error) ||
      !read_number (root, "", "dose_tolerance_percent", TRUE, FALSE, &self->dose_tolerance_percent, NULL, error) ||
      !read_number (root, "", "rate_tolerance_ml_per_h", TRUE, FALSE, &self->rate_tolerance, NULL, error))
    return FALSE;

  if (g_str_equal (policy, "block"))
    self->allergy_high = MAR_ALLERGY_POLICY_BLOCK;
  else if (g_str_equal (policy, "warn"))
    self->allergy_high = MAR_ALLERGY_POLICY_WARN;
  else
    return invalid (error, "allergy_high_criticality", "must be \"block\" or \"warn\"");

  if (self->dose_tolerance_percent >= 50)
    return invalid (error, "dose_tolerance_percent", "must be below 50");
  if (self->rate_tolerance >= 10)
    return invalid (error, "rate_tolerance_ml_per_h", "must be below 10");

  return TRUE;
}

MarDrugLibrary *
mar_drug_library_new_from_bytes (GBytes  *bytes,
                                 GError **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  MarDrugLibrary *self;
  gconstpointer data;
  gsize size;

  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  data = g_bytes_get_data (bytes, &size);
  if (size > G_MAXSSIZE || !g_utf8_validate (data, (gssize) size, NULL))
    {
      g_set_error (error, MAR_DRUG_LIBRARY_ERROR, MAR_DRUG_LIBRARY_ERROR_PARSE,
                   "the drug library is not UTF-8 text");
      return NULL;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize) size, &local_error))
    {
      g_set_error (error, MAR_DRUG_LIBRARY_ERROR, MAR_DRUG_LIBRARY_ERROR_PARSE,
                   "the drug library is not valid JSON: %s", local_error->message);
      return NULL;
    }

  self = library_new ();
  if (!read_library (self, json_parser_get_root (parser), error))
    {
      library_free (self);
      return NULL;
    }
  return self;
}

MarDrugLibrary *
mar_drug_library_new_from_file (const char *path,
                                GError    **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *contents = NULL;
  MarDrugLibrary *self;
  gsize length;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      g_set_error (error, MAR_DRUG_LIBRARY_ERROR, MAR_DRUG_LIBRARY_ERROR_READ,
                   "%s", local_error->message);
      return NULL;
    }
  bytes = g_bytes_new_take (g_steal_pointer (&contents), length);

  self = mar_drug_library_new_from_bytes (bytes, &local_error);
  if (self == NULL)
    {
      g_set_error (error, MAR_DRUG_LIBRARY_ERROR, local_error->code,
                   "%s: %s", path, local_error->message);
      return NULL;
    }
  return self;
}

MarDrugLibrary *
mar_drug_library_new_default (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  MarDrugLibrary *self;

  /* Through mar_core_get_resource(), not the global registry: a static
   * link only keeps the resource's object file (and its registering
   * constructor) when something refers to it. */
  bytes = g_resource_lookup_data (mar_core_get_resource (), MAR_DRUG_LIBRARY_RESOURCE,
                                  G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  if (bytes == NULL)
    g_error ("The built-in drug library is missing: %s", error->message);
  self = mar_drug_library_new_from_bytes (bytes, &error);
  if (self == NULL)
    g_error ("The built-in drug library is invalid: %s", error->message);
  return self;
}

/* Queries --------------------------------------------------------------- */

int
mar_drug_library_get_format_version (const MarDrugLibrary *library)
{
  g_return_val_if_fail (library != NULL, 0);
  return library->format_version;
}

const char *
mar_drug_library_get_version (const MarDrugLibrary *library)
{
  g_return_val_if_fail (library != NULL, NULL);
  return library->version;
}

const char *
mar_drug_library_get_name (const MarDrugLibrary *library)
{
  g_return_val_if_fail (library != NULL, NULL);
  return library->name;
}

gboolean
mar_drug_library_is_iv_route (const MarDrugLibrary *library,
                              const char           *system,
                              const char           *code)
{
  g_return_val_if_fail (library != NULL, FALSE);
  return key_set_contains (library->iv_routes, system, code);
}

gboolean
mar_drug_library_is_non_iv_form (const MarDrugLibrary *library,
                                 const char           *system,
                                 const char           *code)
{
  g_return_val_if_fail (library != NULL, FALSE);
  return key_set_contains (library->non_iv_forms, system, code);
}

const MarTimeWindows *
mar_drug_library_get_time_windows (const MarDrugLibrary *library)
{
  g_return_val_if_fail (library != NULL, NULL);
  return &library->windows;
}

gboolean
mar_drug_library_is_time_critical (const MarDrugLibrary *library,
                                   const char           *system,
                                   const char           *code)
{
  g_return_val_if_fail (library != NULL, FALSE);
  return key_set_contains (library->time_critical, system, code);
}

gboolean
mar_drug_library_is_diluent (const MarDrugLibrary *library,
                             const char           *system,
                             const char           *code)
{
  g_return_val_if_fail (library != NULL, FALSE);
  return key_set_contains (library->diluents, system, code);
}

gboolean
mar_drug_library_is_negation (const MarDrugLibrary *library,
                              const char           *system,
                              const char           *code)
{
  g_return_val_if_fail (library != NULL, FALSE);
  return key_set_contains (library->negations, system, code);
}

GPtrArray *
mar_drug_library_lookup_code (const MarDrugLibrary *library,
                              const char           *system,
                              const char           *code)
{
  char key[256];

  g_return_val_if_fail (library != NULL, NULL);

  if (!make_key (system, code, key, sizeof key))
    return NULL;
  return g_hash_table_lookup (library->code_map, key);
}

const MarDrugClass *
mar_drug_library_lookup_class (const MarDrugLibrary *library,
                               const char           *system,
                               const char           *code)
{
  char key[256];

  g_return_val_if_fail (library != NULL, NULL);

  if (!make_key (system, code, key, sizeof key))
    return NULL;
  return g_hash_table_lookup (library->class_codes, key);
}

GPtrArray *
mar_drug_library_get_high_alert_rules (const MarDrugLibrary *library)
{
  g_return_val_if_fail (library != NULL, NULL);
  return library->high_alert;
}

const MarRateLimit *
mar_drug_library_get_rate_limit (const MarDrugLibrary *library,
                                 const char           *system,
                                 const char           *code)
{
  char key[256];

  g_return_val_if_fail (library != NULL, NULL);

  if (!make_key (system, code, key, sizeof key))
    return NULL;
  return g_hash_table_lookup (library->rate_limits, key);
}

gint64
mar_drug_library_get_weight_max_age (const MarDrugLibrary *library)
{
  g_return_val_if_fail (library != NULL, 0);
  return library->weight_max_age;
}

gint64
mar_drug_library_get_cache_stale_limit (const MarDrugLibrary *library)
{
  g_return_val_if_fail (library != NULL, 0);
  return library->cache_stale;
}

gint64
mar_drug_library_get_clock_skew_limit (const MarDrugLibrary *library)
{
  g_return_val_if_fail (library != NULL, 0);
  return library->clock_skew;
}

MarAllergyPolicy
mar_drug_library_get_high_criticality_allergy_policy (const MarDrugLibrary *library)
{
  g_return_val_if_fail (library != NULL, MAR_ALLERGY_POLICY_BLOCK);
  return library->allergy_high;
}

double
mar_drug_library_get_dose_tolerance_percent (const MarDrugLibrary *library)
{
  g_return_val_if_fail (library != NULL, 0);
  return library->dose_tolerance_percent;
}

double
mar_drug_library_get_rate_tolerance (const MarDrugLibrary *library)
{
  g_return_val_if_fail (library != NULL, 0);
  return library->rate_tolerance;
}
