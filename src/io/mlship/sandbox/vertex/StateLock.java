package io.mlship.sandbox.vertex;

/**
 * The one monitor over all emulator state: models, endpoints, model servers and the traffic rotation.
 * They share it because their rules cross services — a deployed version cannot be deleted, undeploy takes
 * the model out of the traffic split and stops its server in one step, predict never sees one without the other.
 */
final class StateLock {
}
