/*
 * fo_yang_compat.h - what differs between the libyang versions the engine
 * builds with: 2.x (Debian 12, LY_VERSION_MAJOR 2), 3.x (Debian 13, 3) and
 * 5.x (Debian sid's libyang 6 project, 5). Keyed on LY_VERSION_MAJOR, the
 * library's soname version.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#ifndef FO_YANG_COMPAT_H
#define FO_YANG_COMPAT_H

#include <stdio.h>
#include <string.h>

#include <libyang/libyang.h>
#include <libyang/version.h>   /* LY_VERSION_MAJOR: not in libyang.h from 3.x on */

/*
 * Context options and search directory. The engine's module is compiled from
 * a string and imports only modules libyang ships itself. libyang searches
 * the working directory by default: with libyang 6 a context that did so
 * spun for minutes in `kea-dhcp4 -t` (a hang), so the working directory is
 * never searched. libyang 2 and 3 carry their own modules compiled in (no
 * directory at all); 5 reads them from LY_YANG_MODULE_DIR (ly_config.h), its
 * context cannot be created without it.
 */
#if LY_VERSION_MAJOR >= 5
#include <libyang/ly_config.h>
#ifndef LY_YANG_MODULE_DIR
#define LY_YANG_MODULE_DIR "/usr/share/yang/modules/libyang"
#endif
#define FO_LY_SEARCH_DIR LY_YANG_MODULE_DIR
#define FO_LY_CTX_OPTIONS (LY_CTX_NO_YANGLIBRARY | LY_CTX_DISABLE_SEARCHDIR_CWD)
#else
#define FO_LY_SEARCH_DIR NULL
#define FO_LY_CTX_OPTIONS (LY_CTX_NO_YANGLIBRARY | LY_CTX_DISABLE_SEARCHDIRS)
#endif

/*
 * Where an error is, as libyang 2 words it in ly_err_item.path: one
 * sentence, `Data location "/m:a/b", line number 1.`, `Schema location
 * "..."` or `Line number 1.`. libyang 3 and later split it into data_path,
 * schema_path and line; the sentence is rebuilt from them into buf. They also
 * put a missing mandatory node's error at its parent: the node's name (from
 * `Mandatory node "X" instance does not exist.`) is added back, so the path
 * names the missing leaf on every version. NULL when the error has no
 * location.
 */
static inline const char *
fo_ly_err_location(const struct ly_err_item *e, char *buf, size_t size)
{
#if LY_VERSION_MAJOR >= 3
	static const char mandatory[] = "Mandatory node \"";
	const char *p = e->data_path != NULL ? e->data_path : e->schema_path;
	const char *label = e->data_path != NULL ? "Data location" : "Schema location";
	const char *leaf = "", *end = NULL;
	int n = 0;

	if (e->data_path != NULL && e->msg != NULL &&
	    strncmp(e->msg, mandatory, sizeof(mandatory) - 1) == 0 &&
	    (end = strchr(e->msg + sizeof(mandatory) - 1, '"')) != NULL) {
		leaf = e->msg + sizeof(mandatory) - 1;
		n = (int)(end - leaf);
	}
	if (p != NULL && e->line > 0)
		snprintf(buf, size, "%s \"%s%s%.*s\", line number %llu.", label, p,
		    n > 0 ? "/" : "", n, leaf, (unsigned long long)e->line);
	else if (p != NULL)
		snprintf(buf, size, "%s \"%s%s%.*s\".", label, p, n > 0 ? "/" : "", n, leaf);
	else if (e->line > 0)
		snprintf(buf, size, "Line number %llu.", (unsigned long long)e->line);
	else
		return NULL;
	return buf;
#else
	(void)buf;
	(void)size;
	return e->path;
#endif
}

#endif /* FO_YANG_COMPAT_H */
