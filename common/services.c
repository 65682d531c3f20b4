/* services.c - the services Windows Update depends on and their default
 * start types (windows-update-facts.md, section 1.1), and the display names
 * Windows gives them in other languages. Shared by the collector (which SCM
 * events to keep, and which service they mean) and the report. */
#include "common.h"

#include <stddef.h>

static const wd_update_service services[] = {
    {"wuauserv", "Windows Update", "manual", 1},
    {"UsoSvc", "Update Orchestrator Service", "auto", 1},
    {"BITS", "Background Intelligent Transfer Service", "manual", 1},
    {"CryptSvc", "Cryptographic Services", "auto", 1},
    {"TrustedInstaller", "Windows Modules Installer", "manual", 1},
    {"DoSvc", "Delivery Optimization", "delayed-auto", 0},
    {"WaaSMedicSvc", "Windows Update Medic Service", "manual", 0},
    {"msiserver", "Windows Installer", "manual", 0},
    {"RpcSs", "Remote Procedure Call (RPC)", "auto", 0},
    {"DcomLaunch", "DCOM Server Process Launcher", "auto", 0},
    {"EventLog", "Windows Event Log", "auto", 0},
    {"Schedule", "Task Scheduler", "auto", 0},
    {"WinHttpAutoProxySvc", "WinHTTP Web Proxy Auto-Discovery Service", "manual", 0},
    {"wlidsvc", "Microsoft Account Sign-in Assistant", "manual", 0},
    {"mpssvc", "Windows Defender Firewall", "auto", 0},
    {"BFE", "Base Filtering Engine", "auto", 0},
};

const wd_update_service *wd_update_services(size_t *count)
{
    *count = sizeof services / sizeof services[0];
    return services;
}

const wd_update_service *wd_update_service_find(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < sizeof services / sizeof services[0]; i++)
        if (wd_strcaseeq(services[i].name, name))
            return &services[i];
    return NULL;
}

/* Display names in other languages, as Windows 10/11 shows them (German
 * names checked against Microsoft's German documentation and real exports;
 * the others from Microsoft's localised documentation). Display names that
 * stay English in a language ("Windows Update", "Windows Modules Installer"
 * in German) are matched by the English table. */
static const struct {
    const char *name, *display;
} localised[] = {
    {"BITS", "Intelligenter Hintergrund\xc3\xbc" "bertragungsdienst"},
    {"BITS", "Service de transfert intelligent en arri\xc3\xa8re-plan"},
    {"BITS", "Servicio de transferencia inteligente en segundo plano"},
    {"BITS", "Servizio trasferimento intelligente in background"},
    /* Russian: "Фоновая интеллектуальная служба передачи (BITS)" */
    {"BITS", "\xd0\xa4\xd0\xbe\xd0\xbd\xd0\xbe\xd0\xb2\xd0\xb0\xd1\x8f "
             "\xd0\xb8\xd0\xbd\xd1\x82\xd0\xb5\xd0\xbb\xd0\xbb\xd0\xb5\xd0\xba\xd1\x82\xd1\x83\xd0\xb0\xd0\xbb\xd1\x8c\xd0\xbd\xd0\xb0\xd1\x8f "
             "\xd1\x81\xd0\xbb\xd1\x83\xd0\xb6\xd0\xb1\xd0\xb0 "
             "\xd0\xbf\xd0\xb5\xd1\x80\xd0\xb5\xd0\xb4\xd0\xb0\xd1\x87\xd0\xb8 (BITS)"},
    /* Russian: "Центр обновления Windows" (Windows Update is translated there) */
    {"wuauserv", "\xd0\xa6\xd0\xb5\xd0\xbd\xd1\x82\xd1\x80 "
                 "\xd0\xbe\xd0\xb1\xd0\xbd\xd0\xbe\xd0\xb2\xd0\xbb\xd0\xb5\xd0\xbd\xd0\xb8\xd1\x8f Windows"},
    {"CryptSvc", "Kryptografiedienste"},
    {"CryptSvc", "Kryptografische Dienste"},
    {"CryptSvc", "Services de chiffrement"},
    {"CryptSvc", "Servicios de cifrado"},
    {"CryptSvc", "Servizi di crittografia"},
    {"DoSvc", "\xc3\x9c" "bermittlungsoptimierung"},
    {"DoSvc", "Optimisation de livraison"},
    {"DoSvc", "Optimizaci\xc3\xb3n de distribuci\xc3\xb3n"},
    {"TrustedInstaller", "Programme d'installation pour les modules Windows"},
    {"TrustedInstaller", "Instalador de m\xc3\xb3" "dulos de Windows"},
    {"RpcSs", "Remoteprozeduraufruf (RPC)"},
    {"RpcSs", "Appel de proc\xc3\xa9" "dure distante (RPC)"},
    {"RpcSs", "Llamada a procedimiento remoto (RPC)"},
    {"EventLog", "Windows-Ereignisprotokoll"},
    {"EventLog", "Journal d'\xc3\xa9v\xc3\xa9nements Windows"},
    {"Schedule", "Aufgabenplanung"},
    {"Schedule", "Planificateur de t\xc3\xa2" "ches"},
    {"BFE", "Basisfiltermodul"},
    {"BFE", "Moteur de filtrage de base"},
    {"mpssvc", "Windows Defender Firewall"},
    {"mpssvc", "Windows-Firewall"},
    {"mpssvc", "Pare-feu Windows Defender"},
    {"DcomLaunch", "DCOM-Server-Prozessstart"},
};

const wd_update_service *wd_update_service_by_any_name(const char *name)
{
    const wd_update_service *s = wd_update_service_find(name);
    if (s || !name)
        return s;
    for (size_t i = 0; i < sizeof services / sizeof services[0]; i++)
        if (wd_strcaseeq(services[i].display_name, name))
            return &services[i];
    for (size_t i = 0; i < sizeof localised / sizeof localised[0]; i++)
        if (wd_strcaseeq(localised[i].display, name))
            return wd_update_service_find(localised[i].name);
    return NULL;
}

const char *wd_update_service_expected(const wd_update_service *s, long build)
{
    if (!s)
        return NULL;
    if (wd_strcaseeq(s->name, "UsoSvc") && build > 0 && build < 17763)
        return NULL; /* Manual on 1607 and Server 2016, Automatic from 1809 on */
    return s->expected_start;
}
