// A consumer with a module descriptor, compiled and run by ModulePathSmokeTest: it names only the
// portable modules, as the README's module-path section says; bind-linux joins through services.
module dev.batchudp.smoke {
    requires dev.batchudp.bind;
    requires dev.batchudp.network.system;
}
