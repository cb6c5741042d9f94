package dev.jclip.checkpoint;

/**
 * A TorchScript class named by a pickle ({@code __torch__.*}). It can only be instantiated
 * (NEWOBJ without arguments) into an inert {@link ScriptObject}; its code is never loaded.
 */
record ScriptClass(String qualifiedName) {
}
