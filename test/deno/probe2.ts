import { SupabaseAuthMemoryAdapter } from "voltagent-supabase-auth-memory";
console.log(typeof SupabaseAuthMemoryAdapter);
const core = await import("@voltagent/core");
console.log("core", Object.keys(core).length);
