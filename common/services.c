/* services.c - the services Windows Update depends on and their default
 * start types (windows-update-facts.md, section 1.1). Shared by the
 * collector (which SCM events to keep) and the report (actual vs expected). */
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
