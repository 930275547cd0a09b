/* mar-config.c — the terminal's configuration (GKeyFile)
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mar-config"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mar-config.h"

struct _MarConfig
{
  gatomicrefcount  ref_count;
  GKeyFile        *keys;
  GPtrArray       *sources;      /* (element-type utf8) files read, NULL-terminated */
  char            *mrn_prefix;   /* cached for MarScanOptions */
  char            *save_path;    /* where IT's changes go (mar_config_dup_save_path) */
};

G_DEFINE_QUARK (mar-config-error-quark, mar_config_error)

static MarConfig *
mar_config_alloc (void)
{
  MarConfig *config = g_new0 (MarConfig, 1);

  g_atomic_ref_count_init (&config->ref_count);
  config->keys = g_key_file_new ();
  config->sources = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (config->sources, NULL);
  return config;
}

MarConfig *
mar_config_new_default (void)
{
  return mar_config_alloc ();
}

MarConfig *
mar_config_ref (MarConfig *config)
{
  g_return_val_if_fail (config != NULL, NULL);
  g_atomic_ref_count_inc (&config->ref_count);
  return config;
}

void
mar_config_unref (MarConfig *config)
{
  if (config == NULL || !g_atomic_ref_count_dec (&config->ref_count))
    return;
  g_key_file_unref (config->keys);
  g_ptr_array_unref (config->sources);
  g_free (config->mrn_prefix);
  g_free (config->save_path);
  g_free (config);
}

static void
add_source (MarConfig  *config,
            const char *path)
{
  /* Keep the array NULL-terminated for mar_config_get_sources(). */
  g_ptr_array_index (config->sources, config->sources->len - 1) = g_strdup (path);
  g_ptr_array_add (config->sources, NULL);
}

/* Keys that hold a secret or name a file holding one (docs/sync.md,
 * "Configuration"): a file that sets any of them must not be readable by
 * every user. A file without them (a unit's time zone, a scanner prefix)
 * may be. */
static const struct
{
  const char *group;
  const char *key;
} secret_keys[] = {
  { "server", "token-file" },
  { "server", "client-key" },
  { "server", "client-secret-file" },
  { "server", "token" },
  { "server", "client-secret" },
  { "server", "password" },
};

/* "[group] key" of the first secret @file sets, or NULL. A proxy URL with
 * user:password@ carries its credentials inline. */
static char *
find_secret_key (GKeyFile *file)
{
  g_autofree char *proxy = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (secret_keys); i++)
    if (g_key_file_has_key (file, secret_keys[i].group, secret_keys[i].key, NULL))
      return g_strdup_printf ("[%s] %s", secret_keys[i].group, secret_keys[i].key);

  proxy = g_key_file_get_string (file, "server", "proxy", NULL);
  if (proxy != NULL)
    {
      g_autoptr(GUri) uri = g_uri_parse (g_strstrip (proxy), G_URI_FLAGS_NONE, NULL);

      if (uri != NULL && g_uri_get_userinfo (uri) != NULL)
        return g_strdup ("[server] proxy");
    }
  return NULL;
}

/* Merges @path into @config, key by key. A missing optional file is not an
 * error; an unreadable or malformed one is, because silently ignoring the
 * hospital's settings (a server URL, a unit) is worse than refusing to start. */
static gboolean
merge_file (MarConfig   *config,
            const char  *path,
            gboolean     required,
            GError     **error)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;
  g_auto(GStrv) groups = NULL;
  GStatBuf st;

  if (g_stat (path, &st) != 0)
    {
      if (!required)
        return TRUE;
      g_set_error (error, MAR_CONFIG_ERROR, MAR_CONFIG_ERROR_NOT_FOUND,
                   _("Configuration file %s does not exist"), path);
      return FALSE;
    }

  /* Anyone who can write the file can point the terminal at another server. */
  if ((st.st_mode & S_IWOTH) != 0)
    {
      g_set_error (error, MAR_CONFIG_ERROR, MAR_CONFIG_ERROR_PERMISSIONS,
                   _("Configuration file %s is writable by every user; refusing to use it "
                     "(run: chmod o-w %s)"), path, path);
      return FALSE;
    }

  if (!g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, &local_error))
    {
      g_set_error (error, MAR_CONFIG_ERROR, MAR_CONFIG_ERROR_PARSE,
                   _("Configuration file %s cannot be read: %s"), path, local_error->message);
      return FALSE;
    }

  if ((st.st_mode & S_IROTH) != 0)
    {
      g_autofree char *secret_key = find_secret_key (file);

      if (secret_key != NULL)
        {
          g_set_error (error, MAR_CONFIG_ERROR, MAR_CONFIG_ERROR_PERMISSIONS,
                       _("Configuration file %s is readable by every user and names a secret "
                         "(%s); refusing to use it (run: chmod o-r %s)"),
                       path, secret_key, path);
          return FALSE;
        }
    }

  groups = g_key_file_get_groups (file, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      g_auto(GStrv) keys = g_key_file_get_keys (file, groups[i], NULL, NULL);

      for (guint j = 0; keys != NULL && keys[j] != NULL; j++)
        {
          g_autofree char *value = g_key_file_get_value (file, groups[i], keys[j], NULL);

          if (value != NULL)
            g_key_file_set_value (config->keys, groups[i], keys[j], value);
        }
    }

  add_source (config, path);
  return TRUE;
}

static gboolean
validate (MarConfig  *config,
          GError    **error)
{
  g_autofree char *tz_name = mar_config_dup_string (config, "unit", "time-zone");
  g_autofree char *gs = mar_config_dup_string (config, "scanner", "gs-replacement");

  if (tz_name != NULL)
    {
      g_autoptr(GTimeZone) tz = g_time_zone_new_identifier (tz_name);

      if (tz == NULL)
        {
          g_set_error (error, MAR_CONFIG_ERROR, MAR_CONFIG_ERROR_INVALID,
                       _("[unit] time-zone=%s is not a known time zone (expected an IANA name "
                         "such as America/New_York)"), tz_name);
          return FALSE;
        }
    }

  if (gs != NULL && *gs != '\0' &&
      (!g_utf8_validate (gs, -1, NULL) || g_utf8_strlen (gs, -1) != 1))
    {
      g_set_error (error, MAR_CONFIG_ERROR, MAR_CONFIG_ERROR_INVALID,
                   _("[scanner] gs-replacement must be exactly one character"));
      return FALSE;
    }

  g_free (config->mrn_prefix);
  config->mrn_prefix = mar_config_dup_string (config, "scanner", "mrn-prefix");
  return TRUE;
}

MarConfig *
mar_config_load (const char  *explicit_path,
                 GError     **error)
{
  g_autoptr(MarConfig) config = mar_config_alloc ();

  if (explicit_path == NULL)
    explicit_path = g_getenv ("BEDSIDE_MAR_CONFIG");

  if (explicit_path != NULL && *explicit_path != '\0')
    {
      if (!merge_file (config, explicit_path, TRUE, error))
        return NULL;
      config->save_path = g_strdup (explicit_path);
    }
  else
    {
      g_autofree char *system_path = g_build_filename (MAR_SYSCONFDIR, "bedside-mar.conf", NULL);
      g_autofree char *user_path = g_build_filename (g_get_user_config_dir (), "bedside-mar",
                                                     "bedside-mar.conf", NULL);

      if (!merge_file (config, system_path, FALSE, error) ||
          !merge_file (config, user_path, FALSE, error))
        return NULL;
      config->save_path = g_steal_pointer (&user_path);
    }

  if (!validate (config, error))
    return NULL;

  return g_steal_pointer (&config);
}

char *
mar_config_dup_string (MarConfig  *config,
                       const char *group,
                       const char *key)
{
  g_autofree char *value = NULL;

  g_return_val_if_fail (config != NULL, NULL);

  value = g_key_file_get_string (config->keys, group, key, NULL);
  if (value != NULL)
    g_strstrip (value);
  if (value == NULL || *value == '\0')
    return NULL;
  return g_steal_pointer (&value);
}

gint64
mar_config_get_int (MarConfig  *config,
                    const char *group,
                    const char *key,
                    gint64      default_value)
{
  g_autofree char *value = mar_config_dup_string (config, group, key);
  gint64 parsed;

  if (value == NULL || !g_ascii_string_to_signed (value, 10, G_MININT64, G_MAXINT64, &parsed, NULL))
    return default_value;
  return parsed;
}

void
mar_config_set_string (MarConfig  *config,
                       const char *group,
                       const char *key,
                       const char *value)
{
  g_return_if_fail (config != NULL);

  if (value == NULL)
    g_key_file_remove_key (config->keys, group, key, NULL);
  else
    g_key_file_set_string (config->keys, group, key, value);

  if (g_strcmp0 (group, "scanner") == 0 && g_strcmp0 (key, "mrn-prefix") == 0)
    {
      g_free (config->mrn_prefix);
      config->mrn_prefix = mar_config_dup_string (config, "scanner", "mrn-prefix");
    }
}

const char * const *
mar_config_get_sources (MarConfig *config)
{
  g_return_val_if_fail (config != NULL, NULL);
  return (const char * const *) config->sources->pdata;
}

char *
mar_config_dup_database_path (MarConfig  *config,
                              const char *override)
{
  const char *env;
  char *configured;

  g_return_val_if_fail (config != NULL, NULL);

  if (override != NULL && *override != '\0')
    return g_strdup (override);
  env = g_getenv ("BEDSIDE_MAR_DB");
  if (env != NULL && *env != '\0')
    return g_strdup (env);
  configured = mar_config_dup_string (config, "database", "path");
  if (configured != NULL)
    return configured;
  return g_strdup (MAR_DEFAULT_DB_PATH);
}

GTimeZone *
mar_config_dup_time_zone (MarConfig *config)
{
  g_autofree char *name = NULL;
  GTimeZone *tz = NULL;

  g_return_val_if_fail (config != NULL, NULL);

  name = mar_config_dup_string (config, "unit", "time-zone");
  if (name != NULL)
    tz = g_time_zone_new_identifier (name);
  if (tz == NULL)
    tz = g_time_zone_new_local ();
  return tz;
}

void
mar_config_get_scan_options (MarConfig      *config,
                             MarScanOptions *options)
{
  g_autofree char *gs = NULL;

  g_return_if_fail (config != NULL);
  g_return_if_fail (options != NULL);

  gs = mar_config_dup_string (config, "scanner", "gs-replacement");
  options->gs_replacement = gs != NULL ? g_utf8_get_char (gs) : 0;
  options->mrn_prefix = config->mrn_prefix;
}

/* ------------------------------------------------------------------------ */
/* Changing the configuration                                               */

char *
mar_config_dup_save_path (MarConfig *config)
{
  g_return_val_if_fail (config != NULL, NULL);

  if (config->save_path != NULL)
    return g_strdup (config->save_path);
  return g_build_filename (g_get_user_config_dir (), "bedside-mar", "bedside-mar.conf", NULL);
}

static gboolean
check_https_url (const char  *group,
                 const char  *key,
                 const char  *value,
                 GError     **error)
{
  g_autoptr(GUri) uri = g_uri_parse (value, G_URI_FLAGS_NONE, NULL);

  /* mar-http.h: TLS always; a plain http:// server is never accepted. */
  if (uri == NULL || g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") != 0 ||
      g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error (error, MAR_CONFIG_ERROR, MAR_CONFIG_ERROR_INVALID,
                   _("[%s] %s must be an https:// address such as https://fhir.example.org/r4"),
                   group, key);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_readable_file (const char  *group,
                     const char  *key,
                     const char  *value,
                     GError     **error)
{
  if (!g_path_is_absolute (value))
    {
      g_set_error (error, MAR_CONFIG_ERROR, MAR_CONFIG_ERROR_INVALID,
                   _("[%s] %s must be a full path (starting with /)"), group, key);
      return FALSE;
    }
  if (!g_file_test (value, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, MAR_CONFIG_ERROR, MAR_CONFIG_ERROR_INVALID,
                   _("[%s] %s: the file %s does not exist"), group, key, value);
      return FALSE;
    }
  if (g_access (value, R_OK) != 0)
    {
      g_set_error (error, MAR_CONFIG_ERROR, MAR_CONFIG_ERROR_INVALID,
                   _("[%s] %s: the file %s cannot be read"), group, key, value);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_pin (const char  *value,
           GError     **error)
{
  g_auto(GStrv) pins = g_strsplit (value, ";", -1);

  /* CURLOPT_PINNEDPUBLICKEY: "sha256//" and the base64 of a SHA-256. */
  for (guint i = 0; pins[i] != NULL; i++)
    {
      const char *pin = g_strstrip (pins[i]);
      g_autofree guchar *digest = NULL;
      gsize length = 0;

      if (g_str_has_prefix (pin, "sha256//") && strlen (pin) == 8 + 44)
        digest = g_base64_decode (pin + 8, &length);
      if (length != 32)
        {
          g_set_error (error, MAR_CONFIG_ERROR, MAR_CONFIG_ERROR_INVALID,
                       _("[server] pin must be sha256// followed by the base64 SHA-256 of the "
                         "server's public key (44 characters); several are joined by ;"));
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
check_range (const char  *group,
             const char  *key,
             const char  *value,
             gint64       min,
             gint64       max,
             gboolean     seconds,
             GError     **error)
{
  g_autofree char *min_text = g_strdup_printf ("%" G_GINT64_FORMAT, min);
  g_autofree char *max_text = g_strdup_printf ("%" G_GINT64_FORMAT, max);
  gint64 parsed;

  if (!g_ascii_string_to_signed (value, 10, min, max, &parsed, NULL))
    {
      if (seconds)
        g_set_error (error, MAR_CONFIG_ERROR, MAR_CONFIG_ERROR_INVALID,
                     _("[%s] %s must be a whole number of seconds from %s to %s"),
                     group, key, min_text, max_text);
      else
        g_set_error (error, MAR_CONFIG_ERROR, MAR_CONFIG_ERROR_INVALID,
                     _("[%s] %s must be a whole number from %s to %s"),
                     group, key, min_text, max_text);
      return FALSE;
    }
  return TRUE;
}

gboolean
mar_config_check_value (const char  *group,
                        const char  *key,
                        const char  *value,
                        GError     **error)
{
  static const char * const file_keys[] = {
    "ca-file", "client-cert", "client-key", "token-file", "client-secret-file",
  };

  g_return_val_if_fail (group != NULL && key != NULL, FALSE);

  if (value == NULL || *value == '\0')
    return TRUE;

  if (strchr (value, '\n') != NULL || strchr (value, '\r') != NULL)
    {
      g_set_error (error, MAR_CONFIG_ERROR, MAR_CONFIG_ERROR_INVALID,
                   _("[%s] %s must be on one line"), group, key);
      return FALSE;
    }

  if (g_str_equal (group, "server"))
    {
      if (g_str_equal (key, "url") || g_str_equal (key, "token-url"))
        return check_https_url (group, key, value, error);
      for (guint i = 0; i < G_N_ELEMENTS (file_keys); i++)
        if (g_str_equal (key, file_keys[i]))
          return check_readable_file (group, key, value, error);
      if (g_str_equal (key, "pin"))
        return check_pin (value, error);
      if (g_str_equal (key, "timeout") || g_str_equal (key, "connect-timeout"))
        return check_range (group, key, value, 1, 600, TRUE, error);
    }
  else if (g_str_equal (group, "sync"))
    {
      /* The bounds mar_sync_settings_load() accepts (mar-sync.h). */
      if (g_str_equal (key, "interval"))
        return check_range (group, key, value, 10, 86400, TRUE, error);
      if (g_str_equal (key, "stale-after"))
        return check_range (group, key, value, 60, 86400, TRUE, error);
      if (g_str_equal (key, "page-size"))
        return check_range (group, key, value, 10, 1000, FALSE, error);
    }
  else if (g_str_equal (group, "unit"))
    {
      if (g_str_equal (key, "location"))
        {
          for (const char *p = value; *p != '\0'; p++)
            if (g_ascii_isspace (*p) || g_ascii_iscntrl (*p))
              {
                g_set_error (error, MAR_CONFIG_ERROR, MAR_CONFIG_ERROR_INVALID,
                             _("[unit] location must be a Location id or identifier "
                               "(system|value) without spaces"));
                return FALSE;
              }
        }
      else if (g_str_equal (key, "time-zone"))
        {
          g_autoptr(GTimeZone) tz = g_time_zone_new_identifier (value);

          if (tz == NULL)
            {
              g_set_error (error, MAR_CONFIG_ERROR, MAR_CONFIG_ERROR_INVALID,
                           _("[unit] time-zone=%s is not a known time zone (expected an IANA "
                             "name such as America/New_York)"), value);
              return FALSE;
            }
        }
    }
  return TRUE;
}

static gboolean
set_write_error (GError    **error,
                 const char *path,
                 int         errsv)
{
  g_set_error (error, MAR_CONFIG_ERROR, MAR_CONFIG_ERROR_WRITE,
               _("Configuration file %s cannot be written: %s"), path, g_strerror (errsv));
  return FALSE;
}

static gboolean
write_all (int          fd,
           const char  *data,
           gsize        length)
{
  while (length > 0)
    {
      gssize written = write (fd, data, length);

      if (written < 0)
        {
          if (errno == EINTR)
            continue;
          return FALSE;
        }
      data += written;
      length -= written;
    }
  return TRUE;
}

gboolean
mar_config_save_changes (const char            *path,
                         const MarConfigChange *changes,
                         gsize                  n_changes,
                         GError               **error)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *data = NULL;
  g_autofree char *secret_key = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *temp_path = NULL;
  gsize length;
  mode_t mode = 0644;
  GStatBuf st;
  int fd;
  int dir_fd;
  int errsv;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (changes != NULL || n_changes == 0, FALSE);

  for (gsize i = 0; i < n_changes; i++)
    if (!mar_config_check_value (changes[i].group, changes[i].key, changes[i].value, error))
      return FALSE;

  if (g_stat (path, &st) == 0)
    {
      mode = st.st_mode & 0777;
      if (!g_key_file_load_from_file (file, path, G_KEY_FILE_KEEP_COMMENTS, &local_error))
        {
          g_set_error (error, MAR_CONFIG_ERROR, MAR_CONFIG_ERROR_PARSE,
                       _("Configuration file %s cannot be read: %s"), path, local_error->message);
          return FALSE;
        }
    }
  else if (errno != ENOENT)
    return set_write_error (error, path, errno);

  for (gsize i = 0; i < n_changes; i++)
    {
      if (changes[i].value == NULL || *changes[i].value == '\0')
        g_key_file_remove_key (file, changes[i].group, changes[i].key, NULL);
      else
        g_key_file_set_string (file, changes[i].group, changes[i].key, changes[i].value);
    }

  /* The rules mar_config_load() enforces, so that a saved file loads:
   * never writable by others; no access for others when it names a secret. */
  mode &= ~(mode_t) S_IWOTH;
  secret_key = find_secret_key (file);
  if (secret_key != NULL)
    mode &= 0640;

  data = g_key_file_to_data (file, &length, NULL);

  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0755) != 0)
    return set_write_error (error, path, errno);

  temp_path = g_strconcat (path, ".XXXXXX", NULL);
  fd = g_mkstemp_full (temp_path, O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0)
    return set_write_error (error, path, errno);

  if (fchmod (fd, mode) != 0 || !write_all (fd, data, length) || fsync (fd) != 0)
    {
      errsv = errno;
      close (fd);
      g_unlink (temp_path);
      return set_write_error (error, path, errsv);
    }
  if (close (fd) != 0 || g_rename (temp_path, path) != 0)
    {
      errsv = errno;
      g_unlink (temp_path);
      return set_write_error (error, path, errsv);
    }

  /* The rename itself reaches the disk with the folder's fsync. */
  dir_fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  if (dir_fd >= 0)
    {
      if (fsync (dir_fd) != 0)
        {
          errsv = errno;
          close (dir_fd);
          return set_write_error (error, path, errsv);
        }
      close (dir_fd);
    }

  g_info ("Configuration saved (%" G_GSIZE_FORMAT " changes)", n_changes);
  return TRUE;
}
